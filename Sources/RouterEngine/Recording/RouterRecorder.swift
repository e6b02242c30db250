/// What the router tells a recorder, at the few points where traffic, replicas and settings change.
///
/// Called on the router's scheduler. A replica's probes and sends are told by the track number
/// `observe(_:at:)` gave it, each once, when it ends (answered, failed, timed out or called off).
public protocol RouterRecorder: AnyObject {
    /// A request arrived (before it is routed or shed).
    func arrival(model: String?, at time: EngineTime, retries: RetryTotals)
    /// A request got a replica after waiting `waited`, at its `attempts`-th attempt.
    func fulfilled(waited: Duration, attempts: Int, at time: EngineTime)
    /// A request failed for `reason`.
    func failed(_ reason: FailureReason, at time: EngineTime)
    /// A replica joins routing; the number returned names it in `sendEnded` and `probeEnded`.
    func observe(_ info: ReplicaInfo, at time: EngineTime) -> Int32
    /// A send made at `sentAt` to replica `track` ended with `outcome` (a `SendCode`).
    func sendEnded(track: Int32, sentAt: EngineTime, outcome: UInt8, at time: EngineTime)
    /// A probe sent at `issuedAt` to replica `track` ended with `answer` (a `ProbeCode`); `roundTrip`
    /// is nil when it got no answer.
    func probeEnded(track: Int32, issuedAt: EngineTime, roundTrip: Duration?, answer: UInt8, at time: EngineTime)
    func replicaChanged(_ kind: Recording.Change.Kind, _ id: ReplicaID, at time: EngineTime)
    /// A replica's effective maximum changed (its own report).
    func replicaMax(_ max: Int, of id: ReplicaID)
    func settingsChanged(_ settings: RouterSettings, at time: EngineTime)
}
