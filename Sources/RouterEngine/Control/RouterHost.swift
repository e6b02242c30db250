/// What runs beside the router on its scheduler and answers the control interface: the simulated
/// fleet, or the HTTP front door.
///
/// All of its methods run on the router's scheduler.
public protocol RouterHost: AnyObject {
    /// A snapshot of the router and whatever feeds it.
    func snapshot() -> RouterSnapshot

    /// Carries out an operator's command, or says why not.
    func perform(_ command: RouterCommand, by origin: CommandOrigin) -> CommandResult
}
