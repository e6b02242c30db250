import TOMLInput
import Foundation
import RouterEngine

/// Reads a scenario file. Every refusal names the file, the line and the reason.
public enum ScenarioParser {
    static let actions = [
        "unavailable", "dead", "recover", "slow_probe", "saturate",
        "add_replica", "remove_replica", "set_backoff", "set_load",
    ]

    /// Reads and parses the scenario at `path`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try TOMLDocument.read(path: path)
        } catch {
            throw ScenarioError(file: path, line: error.line, reason: error.reason)
        }
        return try parse(text, file: path)
    }

    /// Parses a scenario from its text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        let root: TOMLTableValue
        do {
            root = try TOMLDocument.parse(text)
        } catch {
            throw ScenarioError(file: file, line: error.line, reason: error.reason)
        }
        let lines = TOMLLineIndex(text: text)
        let top = TOMLTableReader(table: root, section: "", index: 0, lines: lines, file: file)
        try top.checkKeys(["seed", "duration_s", "router", "replicas", "load", "events"])

        let seed = try top.integer("seed", in: 0...Int.max) ?? 1
        guard let durationSeconds = try top.number("duration_s", atLeast: 0, orAbove: true) else {
            throw top.error(nil, "the scenario needs duration_s (seconds of virtual time)")
        }
        guard durationSeconds <= 86_400 else {
            throw top.error("duration_s", "duration_s = \(SettingText.format(durationSeconds)) is out of range; it must be at most 86400")
        }

        var overrides: [RouterSettingKey: Double] = [:]
        var options = Router.Options()
        if let router = try table(root, "router", top) {
            let reader = top.nested("router", router, section: "router", index: 0)
            try readRouter(reader, overrides: &overrides, options: &options)
        }

        var replicas: [SimulatedReplicaSpec] = []
        for (index, table) in try tables(root, "replicas", top).enumerated() {
            let reader = top.nested("replicas", table, section: "replicas", index: index)
            try reader.checkKeys(replicaKeys)
            let spec = try readReplica(reader)
            if replicas.contains(where: { $0.info.id == spec.info.id }) {
                throw reader.error("id", "replica id '\(spec.info.id)' is used twice")
            }
            replicas.append(spec)
        }

        var load = SimulationStatus(requestsPerSecond: 0, arrival: .poisson)
        var models: ModelDistribution?
        if let table = try table(root, "load", top) {
            let reader = top.nested("load", table, section: "load", index: 0)
            try reader.checkKeys(["rate_rps", "arrival", "models"])
            models = try readModels(reader)
            load.requestsPerSecond = try rate(reader)
            if let arrival = try reader.string("arrival") {
                guard let process = ArrivalProcess(rawValue: arrival) else {
                    throw reader.error("arrival", "arrival '\(arrival)' is unknown; it must be poisson or constant")
                }
                load.arrival = process
            }
        }

        var known = Set(replicas.map(\.info.id))
        var events: [ScenarioEvent] = []
        for (index, table) in try tables(root, "events", top).enumerated() {
            let reader = top.nested("events", table, section: "events", index: index)
            let event = try readEvent(reader, duration: durationSeconds, known: &known)
            events.append(event)
        }
        // Events at the same moment keep their order in the file.
        events = events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        let offered = offeredRequests(initialRate: load.requestsPerSecond, events: events, duration: durationSeconds)
        guard offered <= Double(Scenario.maxOfferedRequests) else {
            let line = lines.line(table: "load", key: "rate_rps") ?? lines.line(key: "duration_s") ?? 1
            throw ScenarioError(
                file: file, line: line,
                reason: "the scenario offers about \(SettingText.format(offered.rounded())) requests (rate_rps × duration_s); "
                    + "at most \(Scenario.maxOfferedRequests) can be simulated, so lower the rate or the duration"
            )
        }

        return Scenario(
            seed: UInt64(seed), duration: .clampedSeconds(durationSeconds), settingOverrides: overrides,
            options: options, fleet: FleetSpec(replicas: replicas, load: load, models: models), events: events
        )
    }

    static let replicaKeys: Set<String> = [
        "id", "node", "zone", "max_ongoing_requests", "service_time_ms", "probe_rtt_ms", "answers_probes",
        "max_models", "model_load_ms",
    ]

    private static func readRouter(
        _ reader: TOMLTableReader, overrides: inout [RouterSettingKey: Double], options: inout Router.Options
    ) throws(ScenarioError) {
        var allowed: Set<String> = [
            "node", "zone", "prefer_local", "legacy_backoff", "routing_timeout_s", "max_reroutes", "max_pending",
            "multiplex",
        ]
        allowed.formUnion(RouterSettingKey.allCases.map(\.fileKey))
        try reader.checkKeys(allowed)
        for key in RouterSettingKey.allCases {
            if let value = try reader.setting(key) { overrides[key] = value }
        }
        if let node = try reader.string("node") { options.locality.node = node }
        if let zone = try reader.string("zone") { options.locality.zone = zone }
        if let preferLocal = try reader.bool("prefer_local") { options.locality.preferLocal = preferLocal }
        if let legacy = try reader.bool("legacy_backoff") { options.legacyBackoff = legacy }
        if let multiplex = try reader.bool("multiplex") { options.multiplexRouting = multiplex }
        if let timeout = try reader.number("routing_timeout_s", atLeast: 0) {
            options.routingTimeout = timeout == 0 ? nil : .clampedSeconds(timeout)
        }
        if let reroutes = try reader.integer("max_reroutes", in: 0...1000) { options.maxReroutes = reroutes }
        if let pending = try reader.integer("max_pending", in: 1...10_000_000) { options.maxPendingRequests = pending }
    }

    private static func readReplica(_ reader: TOMLTableReader) throws(ScenarioError) -> SimulatedReplicaSpec {
        let id = try reader.requiredString("id")
        let node = try reader.requiredString("node")
        let zone = try reader.requiredString("zone")
        let maxOngoing = try reader.integer("max_ongoing_requests", in: 1...100_000) ?? 5
        let answersProbes = try reader.bool("answers_probes") ?? true
        let rtt = try reader.number("probe_rtt_ms", atLeast: 0) ?? 1
        let serviceTime = try readServiceTime(reader)
        let maxModels = try reader.integer("max_models", in: 1...10_000)
        let modelLoad = try reader.number("model_load_ms", atLeast: 0)
        if modelLoad != nil, maxModels == nil {
            throw reader.error("model_load_ms", "model_load_ms needs max_models (how many models the replica holds)")
        }
        return SimulatedReplicaSpec(
            info: ReplicaInfo(
                id: ReplicaID(id), node: node, zone: zone, maxOngoingRequests: maxOngoing, answersProbes: answersProbes
            ),
            serviceTime: serviceTime,
            probeRTT: .clampedSeconds(rtt / 1000),
            maxModels: maxModels,
            modelLoad: .clampedSeconds((modelLoad ?? 0) / 1000)
        )
    }

    private static func readServiceTime(_ reader: TOMLTableReader) throws(ScenarioError) -> ServiceTimeDistribution {
        let key = "service_time_ms"
        guard let value = reader.table[key] else { return .exponential(meanMilliseconds: 40) }
        if value.table == nil {
            guard let constant = try reader.number(key, atLeast: 0) else { return .exponential(meanMilliseconds: 40) }
            return .constant(milliseconds: constant)
        }
        let inner = TOMLTableReader(
            table: value.table!, section: reader.section, index: reader.index, lines: reader.lines, file: reader.file
        )
        let place = "\(key) of \(reader.place)"
        if let unknown = inner.table.unknownKey(known: ["distribution", "mean", "sigma"], in: place) {
            throw reader.error(key, unknown.message)
        }
        func located<T>(_ body: () throws(ScenarioError) -> T) throws(ScenarioError) -> T {
            do {
                return try body()
            } catch {
                throw reader.error(key, "\(key): \(error.reason)")
            }
        }
        guard let mean = try located({ () throws(ScenarioError) in try inner.number("mean", atLeast: 0, orAbove: true) }) else {
            throw reader.error(key, "\(key) needs a mean (milliseconds)")
        }
        let distribution = try located { () throws(ScenarioError) in try inner.string("distribution") } ?? "exponential"
        switch distribution {
        case "constant":
            return .constant(milliseconds: mean)
        case "exponential":
            return .exponential(meanMilliseconds: mean)
        case "lognormal", "log-normal", "log_normal":
            let sigma = try located { () throws(ScenarioError) in try inner.number("sigma", atLeast: 0) } ?? 0.5
            return .logNormal(meanMilliseconds: mean, sigma: sigma)
        default:
            throw reader.error(key, "distribution '\(distribution)' is unknown; it must be constant, exponential or lognormal")
        }
    }

    /// `models = { count = 20, distribution = "zipf", s = 1.1 }`, `{ count = 5, distribution =
    /// "uniform" }`, or a list of weights, one per model.
    private static func readModels(_ reader: TOMLTableReader) throws(ScenarioError) -> ModelDistribution? {
        let key = "models"
        guard let value = reader.table[key] else { return nil }
        if let array = value.array {
            var weights: [Double] = []
            for element in array {
                guard let weight = element.double ?? element.int.map(Double.init) else {
                    throw reader.error(key, "every weight in models must be a number")
                }
                weights.append(weight)
            }
            guard weights.count <= 100_000, let distribution = ModelDistribution(weights: weights) else {
                throw reader.error(key, "models weights must be at most 100000 finite numbers ≥ 0, at least one above 0")
            }
            return distribution
        }
        guard let table = value.table else {
            throw reader.error(key, "models must be a table such as { count = 20, distribution = \"zipf\", s = 1.1 } or a list of weights")
        }
        let inner = TOMLTableReader(table: table, section: reader.section, index: reader.index, lines: reader.lines, file: reader.file)
        let place = "\(key) of \(reader.place)"
        if let unknown = inner.table.unknownKey(known: ["count", "distribution", "s"], in: place) {
            throw reader.error(key, unknown.message)
        }
        func located<T>(_ body: () throws(ScenarioError) -> T) throws(ScenarioError) -> T {
            do {
                return try body()
            } catch {
                throw reader.error(key, "models: \(error.reason)")
            }
        }
        guard let count = try located({ () throws(ScenarioError) in try inner.integer("count", in: 1...100_000) }) else {
            throw reader.error(key, "models needs a count (how many models)")
        }
        let distribution = try located { () throws(ScenarioError) in try inner.string("distribution") } ?? "zipf"
        switch distribution {
        case "zipf":
            let s = try located { () throws(ScenarioError) in try inner.number("s", atLeast: 0) } ?? 1
            guard let zipf = ModelDistribution.zipf(count: count, s: s) else {
                throw reader.error(key, "models: s = \(SettingText.format(s)) gives weights that do not add up; use a smaller s")
            }
            return zipf
        case "uniform":
            if inner.has("s") { throw reader.error(key, "models: s applies to the zipf distribution only") }
            return ModelDistribution(weights: Array(repeating: 1, count: count))
        default:
            throw reader.error(key, "models distribution '\(distribution)' is unknown; it must be zipf or uniform")
        }
    }

    private static func readEvent(
        _ reader: TOMLTableReader, duration: Double, known: inout Set<ReplicaID>
    ) throws(ScenarioError) -> ScenarioEvent {
        guard let at = try reader.number("at_s", atLeast: 0) else { throw reader.error(nil, "\(reader.place) needs at_s") }
        guard at <= duration else {
            throw reader.error("at_s", "at_s = \(SettingText.format(at)) is after the end of the scenario (\(SettingText.format(duration)) s)")
        }
        let action = try reader.requiredString("action")
        guard actions.contains(action) else {
            throw reader.error("action", "action '\(action)' is unknown; it must be one of \(actions.joined(separator: ", "))")
        }
        let faultDuration = try reader.number("duration_s", atLeast: 0, orAbove: true).map { Duration.clampedSeconds($0) }
        func replica() throws(ScenarioError) -> ReplicaID {
            let id = ReplicaID(try reader.requiredString("replica"))
            guard known.contains(id) else { throw reader.error("replica", "there is no replica '\(id)' at this point") }
            return id
        }
        let common: Set<String> = ["at_s", "action"]
        let result: ScenarioEvent.Action
        switch action {
        case "unavailable", "dead", "saturate":
            try reader.checkKeys(common.union(["replica", "duration_s"]))
            let fault: SimulatedFault = action == "dead" ? .kill : action == "saturate" ? .saturate : .unavailable
            if fault == .kill, faultDuration != nil { throw reader.error("duration_s", "a dead replica does not come back; remove duration_s") }
            result = .fault(try replica(), fault, duration: faultDuration)
        case "slow_probe":
            try reader.checkKeys(common.union(["replica", "duration_s", "delay_ms"]))
            guard let delay = try reader.number("delay_ms", atLeast: 0, orAbove: true) else {
                throw reader.error(nil, "slow_probe needs delay_ms")
            }
            result = .fault(try replica(), .slowProbe(delay: .clampedSeconds(delay / 1000)), duration: faultDuration)
        case "recover":
            try reader.checkKeys(common.union(["replica"]))
            result = .recover(try replica())
        case "remove_replica":
            try reader.checkKeys(common.union(["replica"]))
            result = .removeReplica(try replica())
        case "add_replica":
            try reader.checkKeys(common.union(replicaKeys))
            let spec = try readReplica(reader)
            guard !known.contains(spec.info.id) else { throw reader.error("id", "replica id '\(spec.info.id)' already exists") }
            known.insert(spec.info.id)
            result = .addReplica(spec)
        case "set_backoff":
            try reader.checkKeys(common.union(RouterSettingKey.allCases.map(\.fileKey)))
            var values: [RouterSettingKey: Double] = [:]
            for key in RouterSettingKey.allCases {
                if let value = try reader.setting(key) { values[key] = value }
            }
            guard !values.isEmpty else { throw reader.error("action", "set_backoff needs at least one setting, such as initial_backoff_s") }
            result = .setBackoff(values)
        default:
            try reader.checkKeys(common.union(["rate_rps"]))
            guard reader.has("rate_rps") else { throw reader.error(nil, "set_load needs rate_rps") }
            result = .setLoad(requestsPerSecond: try rate(reader))
        }
        return ScenarioEvent(at: .clampedSeconds(at), action: result)
    }

    /// A load rate, checked by the rule live changes also follow.
    private static func rate(_ reader: TOMLTableReader) throws(ScenarioError) -> Double {
        guard let rate = try reader.number("rate_rps") else { return 0 }
        if let problem = LoadRate.problem(rate) { throw reader.error("rate_rps", "rate_rps: \(problem)") }
        return rate
    }

    /// The requests the load offers over the whole scenario, following `set_load` events.
    static func offeredRequests(initialRate: Double, events: [ScenarioEvent], duration: Double) -> Double {
        var total = 0.0
        var rate = initialRate
        var since = 0.0
        for event in events {
            guard case .setLoad(let next) = event.action else { continue }
            let at = event.at.secondsValue
            total += rate * (at - since)
            rate = next
            since = at
        }
        return total + rate * max(duration - since, 0)
    }

    private static func table(_ root: TOMLTableValue, _ key: String, _ top: TOMLTableReader) throws(ScenarioError) -> TOMLTableValue? {
        guard let value = root[key] else { return nil }
        guard let table = value.table else { throw top.error(key, "\(key) must be a table ([\(key)])") }
        return table
    }

    private static func tables(_ root: TOMLTableValue, _ key: String, _ top: TOMLTableReader) throws(ScenarioError) -> [TOMLTableValue] {
        guard let value = root[key] else { return [] }
        guard let array = value.array else { throw top.error(key, "\(key) must be an array of tables ([[\(key)]])") }
        var result: [TOMLTableValue] = []
        for element in array {
            guard let table = element.table else { throw top.error(key, "every entry of \(key) must be a table ([[\(key)]])") }
            result.append(table)
        }
        return result
    }
}
