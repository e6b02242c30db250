import RouterAPI

/// Journal entries grouped by rollout: one summary line per rollout, which opens into its parts.
public struct RolloutJournal: Equatable, Sendable {
    /// One rollout as the journals show it.
    public struct Rollout: Equatable, Sendable {
        public var id: String
        public var targets: [String]
        /// Every journaled part, oldest first, with the router that journaled it.
        public var parts: [(router: String, entry: JournalEntry)]

        /// When the first part was journaled.
        public var started: String { parts.first?.entry.time ?? "" }

        /// The routers whose last applied part kept the change (a `confirm`), in target order.
        public var confirmed: [String] {
            targets.filter { router in
                let mine = parts.filter { $0.router == router && $0.entry.result == .applied }
                return mine.last?.entry.change.verb == "confirm"
            }
        }

        /// `rollout r-… 2026-12-02T15:12:03.120Z initial backoff (s) 0.025 → 0.05: 3/3 routers kept it (targets A, B, C) — 6 parts`.
        public var line: String {
            let change = parts.first { $0.entry.change.verb == "trial" || $0.entry.change.verb == "set" }?
                .entry.change.summary ?? "settings"
            let kept = confirmed
            let seen = Set(parts.map(\.router))
            // Read from fewer journals than targets, the count says of which routers it speaks.
            let whose = seen.count < targets.count ? " of the \(seen.count) whose journals are read" : ""
            return "rollout \(id) \(started) \(change): \(kept.count)/\(seen.count < targets.count ? seen.count : targets.count)"
                + " routers\(whose) kept it (targets \(targets.joined(separator: ", "))) — \(parts.count) parts"
        }

        public static func == (lhs: Rollout, rhs: Rollout) -> Bool {
            lhs.id == rhs.id && lhs.targets == rhs.targets && lhs.parts.map(\.router) == rhs.parts.map(\.router)
                && lhs.parts.map(\.entry) == rhs.parts.map(\.entry)
        }
    }

    /// A journal line as listed: an entry outside any rollout, or a whole rollout.
    public enum Line: Equatable, Sendable {
        case entry(router: String, JournalEntry)
        case rollout(Rollout)
    }

    public var lines: [Line]

    /// Groups the entries of each router's journal; a rollout stands where its first part stood,
    /// lines in wall-clock order across routers.
    public init(journals: [(router: String, entries: [JournalEntry])]) {
        var all: [(router: String, entry: JournalEntry)] = []
        for journal in journals { all.append(contentsOf: journal.entries.map { (journal.router, $0) }) }
        all.sort { a, b in
            if a.entry.time != b.entry.time { return a.entry.time < b.entry.time }
            if a.router != b.router { return a.router < b.router }
            return a.entry.sequence < b.entry.sequence
        }
        var lines: [Line] = []
        var index: [String: Int] = [:]
        for part in all {
            guard let mark = part.entry.rollout else {
                lines.append(.entry(router: part.router, part.entry))
                continue
            }
            if let at = index[mark.id], case .rollout(var rollout) = lines[at] {
                rollout.parts.append(part)
                lines[at] = .rollout(rollout)
            } else {
                index[mark.id] = lines.count
                lines.append(.rollout(Rollout(id: mark.id, targets: mark.targets, parts: [part])))
            }
        }
        self.lines = lines
    }

    /// The rollout called `id`, if any journal has a part of it.
    public func rollout(_ id: String) -> Rollout? {
        for line in lines {
            if case .rollout(let rollout) = line, rollout.id == id { return rollout }
        }
        return nil
    }
}
