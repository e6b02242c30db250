import Logging
@testable import RouterEngine
@testable import RouterSimulation

/// The standard simulated fleet on its own virtual scheduler, started and run for a second, as
/// the host tests begin; quiet, so a test's output is its own.
func standardFleetHost(on scheduler: VirtualScheduler, seed: UInt64 = 3) -> SimulationHost {
    let host = SimulationHost(
        fleet: .standard, settings: .defaults, scheduler: scheduler, seed: seed,
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    host.start()
    scheduler.advance(by: .seconds(1))
    return host
}
