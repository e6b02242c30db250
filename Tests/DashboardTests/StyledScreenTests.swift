import Dashboard
import RouterEngine
import Testing

/// Styles asserted as a buffer: each row read as runs of cells that share a role, so a view that
/// draws the right text in the wrong colour fails here. Trailing blank cells are not compared.
@Suite("Styled screens")
struct StyledScreenTests {
    /// The row's cells as runs of one role each, ending at the last non-blank cell.
    static func runs(_ screen: Screen, row y: Int) -> [Run] {
        var cells = (0..<screen.width).map { screen[$0, y] }
        while let last = cells.last, last.character == " " { cells.removeLast() }
        var runs: [Run] = []
        for cell in cells {
            if let last = runs.last, last.role == cell.role {
                runs[runs.count - 1].text.append(cell.character)
            } else {
                runs.append(Run(String(cell.character), cell.role))
            }
        }
        return runs
    }

    /// Some text drawn in one role.
    struct Run: Equatable, CustomStringConvertible {
        var text: String
        var role: StyleRole

        init(_ text: String, _ role: StyleRole) {
            self.text = text
            self.role = role
        }

        var description: String { "(\(text.debugDescription), .\(role))" }
    }

    static let size = TerminalSize(columns: 80, rows: 24)

    /// The frame of an 80×24 terminal on `snapshot`, after `keys`.
    static func render(_ snapshot: RouterSnapshot = Fixtures.snapshot(), typing keys: (DashboardController) -> Void = { _ in }) -> Screen {
        let dashboard = Fixtures.controller(FakeRouterControl(snapshot))
        keys(dashboard)
        return dashboard.render(size: size)
    }

    @Test("the header: the title, its labels plain and its figures as values")
    func header() {
        let screen = Self.render()
        #expect(Self.runs(screen, row: 0) == [
            Run("routertop", .headerTitle), Run("  fulfil p50 ", .headerLabel), Run("800µs", .headerValue),
            Run(" p99 ", .headerLabel), Run("31ms", .headerValue), Run("  in ", .headerLabel), Run("121/s", .headerValue),
            Run(" out ", .headerLabel), Run("119/s", .headerValue), Run(" fail ", .headerLabel), Run("0.0/s", .headerValue),
            Run("  pending ", .headerLabel), Run("7", .headerValue),
        ])
        #expect(Self.runs(screen, row: 1) == [
            Run("failed ", .headerLabel), Run("0", .headerValue), Run("  ", .headerLabel), Run("simulated fleet", .headerValue),
            Run("  backoff ", .headerLabel), Run("0.025s", .headerValue), Run(" ×", .headerLabel), Run("2", .headerValue),
            Run(" max ", .headerLabel), Run("0.5s", .headerValue), Run("  load ", .headerLabel), Run("100/s", .headerValue),
        ])
    }

    @Test("a replica row in each state: the state in its own colour, the row plain, the selected row highlighted")
    func replicaRowInEachState() {
        let states: [ReplicaState] = [.healthy] + ReplicaState.allCases
        var replicas = states.indices.map { Fixtures.replica($0) }
        for (index, state) in states.enumerated() { replicas[index].state = state }
        let screen = Self.render(Fixtures.snapshot(replicas: replicas))
        // Row 4 is the first replica's, selected: the whole row but its queue bar is the selection.
        #expect(Self.runs(screen, row: 4) == [
            Run("▶replica-0 node-a/zone-1 healthy        ", .tableSelected), Run("░░░░░", .queueEmpty),
            Run("   0/5    0 probe    1000     0", .tableSelected),
        ])
        let expected: [(ReplicaState, String, StyleRole)] = [
            (.healthy, "node-b/zone-2", .stateHealthy), (.unavailable, "node-a/zone-2", .stateUnavailable),
            (.dead, "node-b/zone-1", .stateDead), (.draining, "node-a/zone-2", .stateDraining),
            // Not yet known either way: drawn as plainly as a replica that takes no new work.
            (.probing, "node-b/zone-2", .stateDraining),
        ]
        for (offset, (state, place, role)) in expected.enumerated() {
            let index = offset + 1
            #expect(Array(Self.runs(screen, row: 4 + index).prefix(5)) == [
                Run(" replica-\(index) ", .tableRow), Run(place, .tableDim), Run(" ", .tableRow),
                Run(state.rawValue, role), Run(String(repeating: " ", count: 11 - state.rawValue.count + 4), .tableRow),
            ], "\(state)")
        }
    }

    @Test("the editor's refusal: the field in focus, the reason beside it and below in the error colour")
    func editorRefusal() {
        let screen = Self.render { dashboard in
            dashboard.handle(.character("e"))
            dashboard.handle(.down)
            dashboard.handle(.down)
            dashboard.handle(.delete)
            dashboard.type("0.01")
        }
        #expect(Self.runs(screen, row: 4) == [
            Run("│", .modalBorder), Run(" ", .modalText), Run("backoff multiplier", .editLabel), Run("     ", .modalText),
            Run(" 2            ", .editField), Run(String(repeating: " ", count: 40), .modalText), Run("│", .modalBorder),
        ])
        #expect(Self.runs(screen, row: 5) == [
            Run("│", .modalBorder), Run(" ", .modalText), Run("max backoff (s)", .editFocus), Run("        ", .modalText),
            Run(" 0.01_        ", .editFocus), Run(" ", .modalText), Run("refused: see why below", .editError),
            Run(String(repeating: " ", count: 17), .modalText), Run("│", .modalBorder),
        ])
        #expect(Self.runs(screen, row: 11) == [
            Run("│", .modalBorder), Run(" ", .modalText),
            Run("refused: max backoff (s) = 0.01 is below the initial backoff 0.025; it must", .editError),
            Run("  ", .modalText), Run("│", .modalBorder),
        ])
        #expect(Self.runs(screen, row: 12) == [
            Run("│", .modalBorder), Run(" ", .modalText), Run("be at least the initial backoff; the form cannot be applied", .editError),
            Run(String(repeating: " ", count: 18), .modalText), Run("│", .modalBorder),
        ])
    }

    @Test("the trial countdown leads the header in the paused colour, before the figures")
    func trialCountdown() {
        var snapshot = Fixtures.snapshot()
        snapshot.trial = TrialStatus(by: "alice", seconds: 30, secondsLeft: 26.2, summary: "initial backoff (s) 0.025 → 0.01")
        #expect(Self.runs(Self.render(snapshot), row: 0) == [
            Run("routertop", .headerTitle), Run("  ", .headerLabel),
            Run(" trial by alice: reverts in 27 s unless confirmed (c) ", .headerPaused),
            Run("  fulfil p50 ", .headerLabel), Run("80", .headerValue),
        ])
    }
}
