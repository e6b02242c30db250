@testable import Dashboard
import RouterEngine
import Testing

/// What keeps the busy rows of the replica table cheap to send: counters that move once a second,
/// a bar of one cell per slot whose colours belong to the cells, and a plain queue figure.
@Suite("Steady figures")
struct SteadyFiguresTests {
    /// The table row of replica `id` (the event log may name it too, further right).
    private func rowIndex(of id: String, in screen: Screen) -> Int? {
        (0..<screen.height).first { String(screen.row($0).dropFirst().prefix(id.count + 1)) == id + " " }
    }

    private func row(of id: String, in screen: Screen) -> String {
        rowIndex(of: id, in: screen).map(screen.row) ?? ""
    }

    /// The column of the queue figure's first digit (the location column has a slash too).
    private func figureColumn(in row: String) -> Int {
        let characters = Array(row)
        let slash = (1..<characters.count - 1).first { characters[$0] == "/" && characters[$0 + 1] == "5" } ?? 1
        return slash - 1
    }

    @Test("counters hold for the rest of the second; queue and in flight move at every refresh")
    func countersMoveOncePerSecond() {
        let start = Fixtures.replica(1, queue: 1, routed: 1000)
        let control = FakeRouterControl(Fixtures.snapshot(replicas: [start], time: .seconds(125.1)))
        let dashboard = Fixtures.controller(control)
        let size = TerminalSize(columns: 120, rows: 40)
        #expect(row(of: "replica-1", in: dashboard.render(size: size)).contains("1/5"))

        var busier = Fixtures.replica(1, queue: 4, routed: 1234)
        busier.rejected = 9
        control.setSnapshot(Fixtures.snapshot(replicas: [busier], time: .seconds(125.6)))
        let sameSecond = row(of: "replica-1", in: dashboard.render(size: size))
        #expect(sameSecond.contains("4/5"), "the queue length is live")
        #expect(sameSecond.contains(" 1000 ") && !sameSecond.contains("1234"), "routed is held")

        control.setSnapshot(Fixtures.snapshot(replicas: [busier], time: .seconds(126.0)))
        let nextSecond = row(of: "replica-1", in: dashboard.render(size: size))
        #expect(nextSecond.contains(" 1234 ") && nextSecond.contains(" 9 "))
    }

    @Test("a replica that appears within the second shows its own figures at once")
    func newReplicaIsSampledAtOnce() {
        let control = FakeRouterControl(Fixtures.snapshot(replicas: [Fixtures.replica(1)], time: .seconds(10.1)))
        let dashboard = Fixtures.controller(control)
        let size = TerminalSize(columns: 120, rows: 40)
        _ = dashboard.render(size: size)
        let added = Fixtures.replica(2, routed: 777)
        control.setSnapshot(Fixtures.snapshot(replicas: [Fixtures.replica(1), added], time: .seconds(10.4)))
        #expect(row(of: "replica-2", in: dashboard.render(size: size)).contains(" 777 "))
    }

    @Test("the sampler takes a new sample when router time goes back")
    func timeGoingBackResamples() {
        var sampler = SecondSampler()
        _ = sampler.apply(to: Fixtures.snapshot(replicas: [Fixtures.replica(1, routed: 5)], time: .seconds(50)))
        let earlier = sampler.apply(to: Fixtures.snapshot(replicas: [Fixtures.replica(1, routed: 6)], time: .seconds(3)))
        #expect(earlier.replicas[0].routed == 6)
    }

    @Test("one cell per slot, each filled cell coloured by its own level, the tip by the queue's")
    func slotBar() {
        let control = FakeRouterControl(Fixtures.snapshot(replicas: [Fixtures.replica(0), Fixtures.replica(1, queue: 4)]))
        // replica-0 is the selected row, drawn in the selection's colours; replica-1 is not.
        let screen = Fixtures.controller(control).render(size: TerminalSize(columns: 120, rows: 40))
        guard let y = rowIndex(of: "replica-1", in: screen),
              let x = Array(screen.row(y)).firstIndex(of: "█") else {
            Issue.record("no bar drawn\n\(screen.text)")
            return
        }
        let cells = (0..<6).map { screen[x + $0, y] }
        #expect(cells.map(\.character) == ["█", "█", "█", "█", "░", " "])
        #expect(cells.map(\.role) == [.queueLow, .queueLow, .queueMedium, .queueHigh, .queueEmpty, .tableRow])
        #expect(screen.row(y).contains("4/5"))
        let figure = figureColumn(in: screen.row(y))
        #expect(screen[figure, y].role == .tableRow, "only a full queue colours the figure")
    }

    @Test("a full queue colours its figure")
    func fullQueueFigure() {
        let control = FakeRouterControl(Fixtures.snapshot(replicas: [Fixtures.replica(0), Fixtures.replica(1, queue: 5)]))
        let screen = Fixtures.controller(control).render(size: TerminalSize(columns: 120, rows: 40))
        guard let y = rowIndex(of: "replica-1", in: screen) else {
            Issue.record("no row\n\(screen.text)")
            return
        }
        let figure = figureColumn(in: screen.row(y))
        #expect(screen[figure, y].role == .queueFull)
    }
}
