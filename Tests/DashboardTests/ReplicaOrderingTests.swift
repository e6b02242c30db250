import Dashboard
import RouterEngine
import Testing

@Suite("Sorting and filtering the replica table")
struct ReplicaOrderingTests {
    /// The replica ids in the order the table shows them.
    private func tableOrder(_ screen: Screen) -> [String] {
        (0..<screen.height).compactMap { y -> String? in
            let row = screen.row(y).dropFirst()
            guard row.hasPrefix("r-") else { return nil }
            return String(row.prefix { $0 != " " })
        }
    }

    private func fleet() -> RouterSnapshot {
        let replicas = [
            (id: "r-10", queue: 1, routed: 500),
            (id: "r-2", queue: 4, routed: 100),
            (id: "r-1", queue: 0, routed: 900),
            (id: "r-3", queue: 4, routed: 300),
        ].map { entry in
            var replica = Fixtures.replica(0, queue: entry.queue, routed: entry.routed)
            replica.id = ReplicaID(entry.id)
            replica.node = entry.id == "r-3" ? "node-z" : "node-a"
            return replica
        }
        return Fixtures.snapshot(replicas: replicas, events: [])
    }

    @Test("ids sort naturally: r-2 before r-10")
    func naturalIDs() {
        let dashboard = Fixtures.controller(FakeRouterControl(fleet()))
        #expect(tableOrder(dashboard.render(size: TerminalSize(columns: 120, rows: 40))) == ["r-1", "r-2", "r-3", "r-10"])
        dashboard.handle(.character("o"))
        #expect(tableOrder(dashboard.render(size: TerminalSize(columns: 120, rows: 40))) == ["r-10", "r-3", "r-2", "r-1"])
    }

    @Test("s steps through every column shown; numbers sort biggest first, ties by id")
    func sortByColumns() {
        let dashboard = Fixtures.controller(FakeRouterControl(fleet()))
        let size = TerminalSize(columns: 120, rows: 40)
        dashboard.handle(.character("s"))  // node/zone
        #expect(tableOrder(dashboard.render(size: size)) == ["r-1", "r-2", "r-10", "r-3"])
        dashboard.handle(.character("s"))  // state
        dashboard.handle(.character("s"))  // queue
        let byQueue = dashboard.render(size: size)
        #expect(tableOrder(byQueue) == ["r-2", "r-3", "r-10", "r-1"])
        #expect(byQueue.contains("sort queue length ▼"))
        dashboard.handle(.character("o"))
        #expect(tableOrder(dashboard.render(size: size)) == ["r-1", "r-10", "r-2", "r-3"])
        for _ in 0..<3 { dashboard.handle(.function(6)) }  // in flight, source, routed
        let byRouted = dashboard.render(size: size)
        #expect(tableOrder(byRouted) == ["r-1", "r-10", "r-3", "r-2"])
        // The columns shown at 120 after routed, then the cycle comes back to the id.
        let headings = byRouted.rows(containing: " replica ").first ?? ""
        let shownAfterRouted = ReplicaColumn.allCases.filter {
            $0.rawValue > ReplicaColumn.routed.rawValue && headings.contains(" " + $0.title)
        }
        #expect(!shownAfterRouted.isEmpty)
        for _ in 0...shownAfterRouted.count { dashboard.handle(.character("s")) }
        #expect(dashboard.render(size: size).contains("sort replica id ▲"), "the cycle comes back to the id")
    }

    @Test("/ filters on id, node, zone and state, case-insensitively; Esc clears")
    func filter() {
        let dashboard = Fixtures.controller(FakeRouterControl(fleet()))
        let size = TerminalSize(columns: 120, rows: 40)
        dashboard.handle(.character("/"))
        dashboard.type("NODE-Z")
        let filtered = dashboard.render(size: size)
        #expect(tableOrder(filtered) == ["r-3"])
        #expect(filtered.contains("Replicas 1 of 4"))
        #expect(filtered.contains("filter: NODE-Z_"))
        dashboard.handle(.enter)
        dashboard.handle(.character("q"))
        #expect(dashboard.wantsQuit, "after Enter, keys act again")
        let other = Fixtures.controller(FakeRouterControl(fleet()))
        other.handle(.character("/"))
        other.type("r-1")
        #expect(tableOrder(other.render(size: size)) == ["r-1", "r-10"])
        #expect(!other.wantsQuit)
        other.handle(.backspace)
        other.handle(.backspace)
        other.type("nothing")
        #expect(other.render(size: size).contains("no replica matches the filter"))
        other.handle(.escape)
        #expect(tableOrder(other.render(size: size)).count == 4)
    }

    @Test("the selection follows its replica when the order changes")
    func selectionFollowsReplica() {
        let control = FakeRouterControl(fleet())
        let dashboard = Fixtures.controller(control)
        let size = TerminalSize(columns: 120, rows: 40)
        _ = dashboard.render(size: size)
        dashboard.handle(.down)  // r-2
        dashboard.handle(.character("s"))
        dashboard.handle(.character("s"))
        dashboard.handle(.character("s"))  // by queue: r-2 first
        _ = dashboard.render(size: size)
        dashboard.handle(.character("x"))
        dashboard.handle(.character("y"))
        #expect(control.commands == [.injectFault(ReplicaID("r-2"), .kill)])
    }

    @Test("sorting by state puts trouble first; sorting by fault puts faults first")
    func stateAndFault() {
        var replicas = (0..<4).map { Fixtures.replica($0) }
        replicas[1].state = .dead
        replicas[2].state = .unavailable
        replicas[3].fault = "saturated"
        for index in replicas.indices { replicas[index].id = ReplicaID("r-\(index)") }
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: replicas, events: [])))
        let size = TerminalSize(columns: 160, rows: 40)
        dashboard.handle(.character("s"))
        dashboard.handle(.character("s"))
        #expect(tableOrder(dashboard.render(size: size)) == ["r-1", "r-2", "r-0", "r-3"])
        while !dashboard.render(size: size).contains("sort fault") { dashboard.handle(.character("s")) }
        #expect(tableOrder(dashboard.render(size: size)).first == "r-3")
    }
}

