import RouterEngine

/// A recording made ready to replay many times: times in nanoseconds, each replica's events sorted.
public struct ReplayPlan: Sendable {
    struct Replica: Sendable {
        var info: ReplicaInfo
        var capacity: Int
        var sendAt: [Int64]
        var sendDuration: [Int64]
        var sendOutcome: [UInt8]
        /// The sends that completed: when sent and how long they took, for draws near a moment.
        var servedAt: [Int64]
        var servedDuration: [Int64]
        var probeAt: [Int64]
        /// -1: no answer in time.
        var probeRoundTrip: [Int64]
        var probeAnswer: [UInt8]
        var unavailable: [(from: Int64, to: Int64)]
        var deadAt: Int64?
        /// Added at this time within the window; nil: there from the start.
        var addedAt: Int64?
    }

    /// A fleet or settings change the replay carries out at its time.
    enum Change: Sendable {
        case add(Int)
        case remove(ReplicaID)
        case drain(ReplicaID)
        case undrain(ReplicaID)
        /// The operator changed the settings (followed only by a replay as recorded).
        case settings(RouterSettings)
    }

    let start: Int64
    let end: Int64
    let arrivalAt: [Int64]
    let arrivalModel: [String?]
    let replicas: [Replica]
    let changes: [(at: Int64, change: Change)]
    let options: Router.Options
    let randomWords: [UInt64]
    /// The settings in force when the recording starts.
    public let recordedSettings: RouterSettings
    /// Round trips of every answered probe, for a replica that was never probed in the window.
    let fleetRoundTrip: Int64
    /// Completed service times of the whole fleet, for a replica that served nothing in the window.
    let fleetService: [Int64]

    /// How many requests the replay offers, and over how long.
    public var arrivals: Int { arrivalAt.count }
    public var duration: Duration { .nanoseconds(end - start) }
    public var startTime: EngineTime { EngineTime(nanoseconds: start) }
    public var endTime: EngineTime { EngineTime(nanoseconds: end) }

    /// Checks the recording's columns and times; a problem names the first thing wrong.
    public init(_ recording: Recording) throws(ReplayError) {
        func ns(_ milliseconds: Double) -> Int64 { Int64((milliseconds * 1e6).rounded()) }
        func seconds(_ value: Double) -> Int64 { Int64((value * 1e9).rounded()) }
        guard recording.startS.isFinite, recording.endS.isFinite, recording.endS >= recording.startS else {
            throw ReplayError("start_s \(recording.startS) and end_s \(recording.endS) are not a span of time")
        }
        start = seconds(recording.startS)
        end = seconds(recording.endS)
        guard recording.arrivals.atMs.count == recording.arrivals.model.count else {
            throw ReplayError("arrivals.at_ms has \(recording.arrivals.atMs.count) entries but arrivals.model \(recording.arrivals.model.count)")
        }
        var arrivalAt: [Int64] = []
        arrivalAt.reserveCapacity(recording.arrivals.atMs.count)
        var last = start
        for (index, at) in recording.arrivals.atMs.enumerated() {
            let time = ns(at)
            guard at.isFinite, time >= last else {
                throw ReplayError("arrivals.at_ms[\(index)] = \(at) is not in time order within the recording")
            }
            arrivalAt.append(time)
            last = time
        }
        self.arrivalAt = arrivalAt
        arrivalModel = try recording.arrivals.model.enumerated().map { (index, model) throws(ReplayError) -> String? in
            guard model >= -1, model < recording.models.count else {
                throw ReplayError("arrivals.model[\(index)] = \(model) names no model (there are \(recording.models.count))")
            }
            return model < 0 ? nil : recording.models[model]
        }
        let addedAt = Dictionary(
            recording.changes.filter { $0.kind == .replicaAdded }.compactMap { change in change.replica.map { ($0, seconds(change.atS)) } },
            uniquingKeysWith: { first, _ in first }
        )
        var replicas: [Replica] = []
        var trips: [Int64] = []
        var service: [Int64] = []
        for replica in recording.replicas {
            let sends = replica.sends, probes = replica.probes
            guard sends.atMs.count == sends.durationMs.count, sends.atMs.count == sends.outcome.count else {
                throw ReplayError("replica \(replica.id): sends.at_ms, duration_ms and outcome differ in length")
            }
            guard probes.atMs.count == probes.roundTripMs.count, probes.atMs.count == probes.answer.count else {
                throw ReplayError("replica \(replica.id): probes.at_ms, round_trip_ms and answer differ in length")
            }
            guard replica.effectiveMax >= 1, replica.configuredMax >= 1 else {
                throw ReplayError("replica \(replica.id): effective_max and configured_max must be at least 1")
            }
            var info = ReplicaInfo(id: ReplicaID(replica.id), node: replica.node, zone: replica.zone,
                                   maxOngoingRequests: replica.configuredMax)
            info.answersProbes = replica.answersProbes
            let durations = sends.durationMs.map(ns)
            for (index, outcome) in sends.outcome.enumerated() where outcome == SendOutcomeName.completed {
                service.append(durations[index])
            }
            let roundTrips = probes.roundTripMs.map { $0.map(ns) ?? -1 }
            let outcomes = try sends.outcome.map { (name: String) throws(ReplayError) -> UInt8 in
                guard let code = SendCode.names.firstIndex(of: name) else {
                    throw ReplayError("replica \(replica.id): send outcome \"\(name)\" is not one of \(SendCode.names.joined(separator: ", "))")
                }
                return UInt8(code)
            }
            let answers = try probes.answer.map { (name: String) throws(ReplayError) -> UInt8 in
                guard let code = ProbeCode.names.firstIndex(of: name) else {
                    throw ReplayError("replica \(replica.id): probe answer \"\(name)\" is not one of \(ProbeCode.names.joined(separator: ", "))")
                }
                return UInt8(code)
            }
            let sendTimes = sends.atMs.map(ns)
            let served = outcomes.indices.filter { outcomes[$0] == SendCode.completed }
            trips.append(contentsOf: roundTrips.filter { $0 >= 0 })
            replicas.append(Replica(
                info: info, capacity: replica.effectiveMax,
                sendAt: sendTimes, sendDuration: durations, sendOutcome: outcomes,
                servedAt: served.map { sendTimes[$0] }, servedDuration: served.map { durations[$0] },
                probeAt: probes.atMs.map(ns), probeRoundTrip: roundTrips, probeAnswer: answers,
                unavailable: replica.unavailable.map { (seconds($0.fromS), $0.toS.map(seconds) ?? .max) },
                deadAt: replica.deadAtS.map(seconds),
                addedAt: addedAt[replica.id]
            ))
        }
        self.replicas = replicas
        trips.sort()
        fleetRoundTrip = trips.isEmpty ? 1_000_000 : trips[trips.count / 2]
        fleetService = service
        let index = Dictionary(replicas.enumerated().map { ($1.info.id, $0) }, uniquingKeysWith: { first, _ in first })
        changes = recording.changes.compactMap { change in
            let at = seconds(change.atS)
            switch change.kind {
            case .replicaAdded: return change.replica.flatMap { index[ReplicaID($0)] }.map { (at, .add($0)) }
            case .replicaRemoved: return change.replica.map { (at, .remove(ReplicaID($0))) }
            case .replicaDrained: return change.replica.map { (at, .drain(ReplicaID($0))) }
            case .replicaUndrained: return change.replica.map { (at, .undrain(ReplicaID($0))) }
            case .settingsChanged: return change.settings.map { (at, .settings($0)) }
            }
        }
        let recorded = recording.options
        options = Router.Options(
            locality: Locality(node: recorded.node, zone: recorded.zone, preferLocal: recorded.preferLocal),
            legacyBackoff: recorded.legacyBackoff, maxPendingRequests: recorded.maxPendingRequests,
            routingTimeout: recorded.routingTimeoutS.map { .clampedSeconds($0) }, maxReroutes: recorded.maxReroutes,
            maxRoutingTasksCap: recorded.maxRoutingTasks, eventCapacity: 0, traceCapacity: 0,
            multiplexRouting: recorded.multiplexRouting
        )
        randomWords = recording.randomState.compactMap { UInt64($0, radix: 16) }
        recordedSettings = recording.settings
    }
}

/// Why a recording cannot be replayed.
public struct ReplayError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
