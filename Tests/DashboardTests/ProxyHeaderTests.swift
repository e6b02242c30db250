import Dashboard
import RouterEngine
import Testing

@Suite("proxy figures in the header")
struct ProxyHeaderTests {
    @Test("the front door's limits are shown, and what was refused at them once anything was")
    func proxyFigures() {
        var snapshot = Fixtures.snapshot(mode: .proxy(listen: "127.0.0.1:8000"))
        var figures = ProxyFigures()
        figures.connections = 12
        figures.maxConnections = 480
        figures.headerTimeout = .seconds(10)
        figures.idleTimeout = .seconds(60)
        figures.bodyBytesReserved = 3 << 20
        figures.bodyBytesLimit = 64 << 20
        snapshot.proxy = figures
        let quiet = Fixtures.controller(FakeRouterControl(snapshot)).render(size: TerminalSize(columns: 220, rows: 40))
        let quietTop = quiet.row(0) + "\n" + quiet.row(1)
        #expect(quietTop.contains("conns 12/480"))
        #expect(quietTop.contains("timeouts head 10.0s idle 1m00s"), "\(quietTop)")
        #expect(quietTop.contains("bodies 3M/64M"))
        #expect(!quietTop.contains("conn refused"))
        #expect(!quietTop.contains("accept paused"))

        figures.refusedConnections = 7
        figures.headerTimeouts = 2
        figures.acceptPauses = 3
        snapshot.proxy = figures
        let busy = Fixtures.controller(FakeRouterControl(snapshot)).render(size: TerminalSize(columns: 220, rows: 40))
        let busyTop = busy.row(0) + "\n" + busy.row(1)
        #expect(busyTop.contains("conn refused 7"))
        #expect(busyTop.contains("head timeouts 2"))
        #expect(busyTop.contains("accept paused 3"))
    }
}
