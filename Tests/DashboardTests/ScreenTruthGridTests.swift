import Dashboard
import RouterEngine
import Testing

/// The screen tells failures, health and waiting tasks, and explains every figure it shows.
@Suite("Failures, health and legends in the cell grid")
struct ScreenTruthGridTests {
    static func failing() -> RouterSnapshot {
        var snapshot = Fixtures.snapshot()
        snapshot.totals.failed = [.shed: 495, .replicaError: 350, .routingTimeout: 3]
        snapshot.rateFailed = 190
        return snapshot
    }

    @Test("at 80×24 the header keeps fulfilment p50/p99 and the failures by reason")
    func narrowHeader() {
        let screen = Fixtures.controller(FakeRouterControl(Self.failing())).render(size: TerminalSize(columns: 80, rows: 24))
        let first = screen.row(0), second = screen.row(1)
        #expect(first.contains("fulfil p50 800µs p99 31ms"))
        #expect(second.hasPrefix("failed 848  shed 495  rtmo 3  err 350"))
        #expect(first.count <= 80 && second.count <= 80)
    }

    @Test("at 80×24 an attached dashboard keeps the rates; a lost connection keeps its label before them")
    func narrowAttachedHeader() {
        let size = TerminalSize(columns: 80, rows: 24)
        let control = FakeRouterControl(Self.failing())
        control.setConnection(.connected(address: "/run/routertop/8000.sock"))
        let dashboard = Fixtures.controller(control)
        let connected = dashboard.render(size: size).row(0)
        #expect(connected.contains("fulfil p50 800µs p99 31ms  in 121/s out 119/s fail 190/s"), "\(connected)")
        #expect(dashboard.render(size: TerminalSize(columns: 120, rows: 40)).row(1).contains("simulated fleet, connected"),
                "it goes with the mode")

        control.setConnection(.reconnecting(address: "/run/routertop/8000.sock", since: .now))
        let lost = dashboard.render(size: size).row(0)
        #expect(lost.hasPrefix("routertop   reconnecting since "), "\(lost)")
        #expect(lost.contains("fulfil p50 800µs p99 31ms"))
    }

    @Test("at 160 columns the header shows completed and failed per second, and tasks probing and in backoff")
    func wideHeader() {
        var snapshot = Self.failing()
        snapshot.tasksProbing = 13
        let screen = Fixtures.controller(FakeRouterControl(snapshot)).render(size: TerminalSize(columns: 160, rows: 50))
        #expect(screen.row(0).contains("in 121/s out 119/s fail 190/s"))
        #expect(screen.row(0).contains("tasks 3/16 (probing 13, backoff 2)"))
    }

    @Test("a replica's errors, a timed-out probe and its slowness are on its row")
    func replicaRow() {
        var slow = Fixtures.replica(1)
        slow.errors = 350
        slow.lastError = "connection reset"
        slow.probeTimeouts = 7
        slow.lastProbeTimedOut = true
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: [Fixtures.replica(0), slow])))
            .render(size: TerminalSize(columns: 200, rows: 60))
        let headings = screen.rows(containing: "node/zone").first ?? ""
        for heading in [" err", " rej", " full", " ptmo", " rtt"] { #expect(headings.contains(heading)) }
        let row = screen.rows(containing: "replica-1 ").first ?? ""
        #expect(row.contains("slow 7"))
        #expect(row.contains(" 350 "))
        #expect(row.contains("tmo"))
    }

    @Test("the tasks panel lists tasks waiting on probes with the replica and the probe's age")
    func probeWaits() {
        var snapshot = Fixtures.snapshot(time: .seconds(10))
        snapshot.tasksProbing = 1
        snapshot.probeWaits = [ProbeWaitSnapshot(taskID: 5, requestID: RequestID(77), replica: ReplicaID("replica-3"),
                                                 probeSentAt: .seconds(9.75))]
        let screen = Fixtures.controller(FakeRouterControl(snapshot)).render(size: TerminalSize(columns: 120, rows: 40))
        #expect(screen.contains("req-77      probing replica-3 for 250ms"))
        #expect(screen.contains("Tasks: backoff 2 · probing 1"))
        #expect(screen.contains("failed attempts 42  reroutes 2  warnings 0"))
    }

    @Test("help's pages explain every table column and every header figure", arguments: [
        TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 120, rows: 40),
    ])
    func legends(size: TerminalSize) {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        dashboard.handle(.character("?"))
        dashboard.handle(.tab)
        let columns = dashboard.render(size: size)
        for column in ReplicaColumn.allCases {
            let line = columns.rows(containing: " " + column.legend).first ?? ""
            #expect(line.contains(column.title + " "), "\(column) at \(size)")
        }
        dashboard.handle(.tab)
        let header = dashboard.render(size: size)
        for label in ["fulfil p50/p99", "in/out/fail", "pending", "tasks N/max", "probing, backoff", "shed", "rtmo",
                      "err", "reqtmo", "cancel", "backoff × max", "probe max", "cache TTL"] {
            #expect(header.contains(label + " "), "\(label) at \(size)")
        }
        #expect(header.contains("refused at once, the pending queue was full (503)"))
    }

    @Test("the column chooser hides a column for the session, and at 80 columns the freed room goes to the next one")
    func columnChooser() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        let size = TerminalSize(columns: 80, rows: 24)
        let headings = { (screen: Screen) in screen.rows(containing: "state").first { $0.contains("queue") } ?? "" }
        let before = headings(dashboard.render(size: size))
        #expect(before.contains("node/zone") && !before.contains(" rej"))
        dashboard.handle(.character("C"))
        #expect(dashboard.render(size: size).contains("[x] node/zone"))
        dashboard.handle(.down)
        dashboard.handle(.character(" "))
        #expect(dashboard.render(size: size).contains("[ ] node/zone"))
        dashboard.handle(.escape)
        let after = headings(dashboard.render(size: TerminalSize(columns: 80, rows: 24)))
        #expect(!after.contains("node/zone"))
        #expect(after.contains(" rej"), "the room went to the next column by priority")
    }
}
