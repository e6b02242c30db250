import Dashboard
import Logging
import RouterEngine
import RouterSimulation
import Testing

/// The dashboard driving the real simulated fleet on virtual time: what the end-to-end test
/// checks in tmux, without a terminal.
@Suite("The dashboard on the simulated fleet")
struct SimulatedFleetTests {
    /// A control that runs the host on a virtual scheduler; the test is its only thread.
    final class VirtualControl: RouterControl, @unchecked Sendable {
        let scheduler = VirtualScheduler()
        let host: SimulationHost

        init() {
            host = SimulationHost(
                fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 7,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            host.start()
        }

        func latestSnapshot() -> RouterSnapshot { host.snapshot() }

        func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
            completion(host.perform(command, by: origin))
        }
    }

    @Test("table, header and event log follow edits and faults")
    func liveFleet() throws {
        let control = VirtualControl()
        control.scheduler.advance(by: .seconds(5))
        let dashboard = DashboardController(control: control, configuration: Fixtures.configuration(), theme: .plain)
        let size = TerminalSize(columns: 120, rows: 40)
        let first = dashboard.render(size: size)
        for index in 1...8 { #expect(first.contains("r\(index) "), "replica r\(index)") }
        #expect(first.row(1).contains("simulated fleet"))

        dashboard.handle(.character("e"))
        dashboard.handle(.delete)
        dashboard.type("0.01")
        dashboard.handle(.enter)
        control.scheduler.advance(by: .milliseconds(200))
        let edited = dashboard.render(size: size)
        #expect(edited.row(1).contains("backoff 0.01s*"))
        let wide = dashboard.render(size: TerminalSize(columns: 200, rows: 40))
        #expect(wide.contains("initial backoff (s) 0.025 → 0.01 by alice from 10.0.0.5"))

        dashboard.handle(.character("e"))
        dashboard.handle(.down)
        dashboard.handle(.down)
        dashboard.handle(.delete)
        dashboard.type("0.001")
        #expect(dashboard.render(size: size).contains("is below the initial backoff 0.01; it must be at least the initial backoff"))
        dashboard.handle(.enter)
        dashboard.handle(.escape)

        dashboard.handle(.down)
        dashboard.handle(.down)
        dashboard.handle(.character("u"))
        control.scheduler.advance(by: .seconds(2))
        let faulted = dashboard.render(size: TerminalSize(columns: 200, rows: 40))
        let row = try #require(faulted.rows(containing: "r3 ").first { $0.contains("/5") })
        #expect(row.contains("unavailable"))
        #expect(faulted.contains("r3 unavailable by alice from 10.0.0.5"))

        for columns in stride(from: 1, through: 200, by: 7) {
            for rows in stride(from: 1, through: 60, by: 5) {
                control.scheduler.advance(by: .milliseconds(100))
                _ = dashboard.render(size: TerminalSize(columns: columns, rows: rows))
            }
        }
    }
}
