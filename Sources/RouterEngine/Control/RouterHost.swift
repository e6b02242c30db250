/// What runs beside the router on its scheduler and answers the control interface: the simulated
/// fleet, or the HTTP front door.
///
/// All of its methods run on the router's scheduler.
public protocol RouterHost: AnyObject {
    /// A snapshot of the router and whatever feeds it.
    func snapshot() -> RouterSnapshot

    /// Carries out an operator's command, or says why not.
    func perform(_ command: RouterCommand, by origin: CommandOrigin) -> CommandResult

    /// The decision traces of the most recently finished requests, at most `limit`.
    func recentTraces(limit: Int) -> RequestTraceLog

    /// The router's recent traffic, for what-if replays; nil when it keeps none.
    func recording() -> Recording?

    /// Ends the host and shuts its router down (`Router.shutdown()`), so that both are freed with
    /// their last reference; later commands are refused. Called when whoever runs it stops; a
    /// second call does nothing.
    func shutdown()
}

extension RouterHost {
    public func recentTraces(limit: Int) -> RequestTraceLog {
        RequestTraceLog(capacity: 0, evicted: 0, traces: [])
    }

    public func recording() -> Recording? { nil }
}
