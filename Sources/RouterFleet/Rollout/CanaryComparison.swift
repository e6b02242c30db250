import RouterAPI

/// The canary beside the other routers while it runs a change alone: fulfilment p50/p99, failed
/// attempts per second and tasks in backoff, the others' as their mean.
public struct CanaryComparison: Equatable, Sendable {
    /// One figure for the canary and for the others (nil: no router measured it).
    public struct Row: Equatable, Sendable {
        public var label: String
        public var canary: Double?
        public var others: Double?
        /// How to print a value of this row.
        public var unit: Unit
    }

    public enum Unit: Equatable, Sendable {
        case milliseconds
        case perSecond
        case count
    }

    public var canary: String
    public var others: [String]
    public var rows: [Row]

    /// - Parameters:
    ///   - failedPerSecond: each router's failed attempts per second, measured by the caller over
    ///     the watch (snapshots carry totals; a rate needs two of them).
    public init(canary: (name: String, snapshot: RouterSnapshot), others: [(name: String, snapshot: RouterSnapshot)],
                failedPerSecond: [String: Double]) {
        self.canary = canary.name
        self.others = others.map(\.name)
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func ms(_ duration: Duration?) -> Double? { duration.map { $0.secondsValue * 1000 } }
        rows = [
            Row(label: "fulfilment p50", canary: ms(canary.snapshot.fulfillment.p50),
                others: mean(others.compactMap { ms($0.snapshot.fulfillment.p50) }), unit: .milliseconds),
            Row(label: "fulfilment p99", canary: ms(canary.snapshot.fulfillment.p99),
                others: mean(others.compactMap { ms($0.snapshot.fulfillment.p99) }), unit: .milliseconds),
            Row(label: "failed attempts", canary: failedPerSecond[canary.name],
                others: mean(others.compactMap { failedPerSecond[$0.name] }), unit: .perSecond),
            Row(label: "tasks in backoff", canary: Double(canary.snapshot.tasksInBackoff),
                others: mean(others.map { Double($0.snapshot.tasksInBackoff) }), unit: .count),
        ]
    }

    /// `fulfilment p99   canary 31.0 ms   others 29.5 ms`, one line per figure.
    public var lines: [String] {
        rows.map { row in
            let label = row.label.padding(toLength: 17, withPad: " ", startingAt: 0)
            return "\(label) \(canary) \(Self.text(row.canary, row.unit))   others \(Self.text(row.others, row.unit))"
        }
    }

    static func text(_ value: Double?, _ unit: Unit) -> String {
        guard let value, value.isFinite else { return "-" }
        let rounded = (value * 10).rounded() / 10
        switch unit {
        case .milliseconds: return "\(rounded) ms"
        case .perSecond: return "\(rounded)/s"
        case .count: return "\(rounded)"
        }
    }
}
