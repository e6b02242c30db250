/// What the router tells a recorder, at the few points where traffic, replicas and settings change.
///
/// Called on the router's scheduler. Replica behaviour (probes and sends) is seen through the
/// connection `observe(_:of:)` returns, so the router's routing code calls nothing else.
public protocol RouterRecorder: AnyObject {
    /// A request arrived (before it is routed or shed).
    func arrival(model: String?, at time: EngineTime, retries: RetryTotals)
    /// A request got a replica after waiting `waited`, at its `attempts`-th attempt.
    func fulfilled(waited: Duration, attempts: Int, at time: EngineTime)
    /// A request failed for `reason`.
    func failed(_ reason: FailureReason, at time: EngineTime)
    /// A replica joins routing; the returned connection is the one the router uses.
    func observe(_ connection: any ReplicaConnection, of info: ReplicaInfo, at time: EngineTime) -> any ReplicaConnection
    func replicaChanged(_ kind: Recording.Change.Kind, _ id: ReplicaID, at time: EngineTime)
    /// A replica's effective maximum changed (its own report).
    func replicaMax(_ max: Int, of id: ReplicaID)
    func settingsChanged(_ settings: RouterSettings, at time: EngineTime)
}
