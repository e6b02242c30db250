import Dashboard
import RouterEngine
import Testing

/// A Ray Serve router seen through the bridge: its mode, and the bridge's own health, lead the header.
@Suite struct RayRouterHeaderTests {
    private func header(_ snapshot: RouterSnapshot) -> String {
        let screen = Fixtures.controller(FakeRouterControl(snapshot)).render(size: TerminalSize(columns: 160, rows: 50))
        return screen.row(0) + "\n" + screen.row(1)
    }

    @Test func aRayRouterNamesItsDeployment() {
        let top = header(Fixtures.snapshot(mode: .ray(deployment: "app/echo")))
        #expect(top.contains("ray app/echo"))
        #expect(!top.contains("router loop stalled"))
    }

    @Test func aStalledLoopAndHookErrorsAreShown() {
        var snapshot = Fixtures.snapshot(mode: .ray(deployment: "app/echo"))
        snapshot.observer = ObserverStatus(loopStalled: true, hookErrors: 3)
        let top = header(snapshot)
        #expect(top.contains("router loop stalled"))
        #expect(top.contains("bridge errors 3"))
    }
}
