import Foundation
import RouterAPI
import Testing
@testable import Dashboard

/// The screen's smaller incident findings (issue 19): each read on the screen as data.
struct IncidentScreenDetailsTests {
    private let small = TerminalSize(columns: 80, rows: 24)
    private let large = TerminalSize(columns: 120, rows: 40)

    @Test("the table's title says which locality tier the router draws from first")
    func localityTier() {
        // The fixture puts even replicas on node-a, the router's own node: 4 of 8.
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot())).render(size: small)
        #expect(screen.row(2).contains("Replicas 8 · prefers node node-a (4 of 8) · sort replica id"), "\(screen)")

        var elsewhere = Fixtures.snapshot()
        elsewhere.replicas = elsewhere.replicas.map { replica in
            var moved = replica
            moved.node = "node-b"
            return moved
        }
        // Replicas 0, 3 and 6 are in zone-1, the router's own zone.
        #expect(Fixtures.controller(FakeRouterControl(elsewhere)).render(size: large).contains("prefers zone zone-1 (3 of 8)"))

        var anywhere = Fixtures.snapshot()
        anywhere.locality.preferLocal = false
        #expect(Fixtures.controller(FakeRouterControl(anywhere)).render(size: large).contains("no locality preference"))
    }

    @Test("the columns legend explains the ! after a replica's state", arguments: [
        TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 120, rows: 40),
    ])
    func faultMarkInLegend(size: TerminalSize) {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        _ = dashboard.render(size: size)
        dashboard.handle(.character("?"))
        dashboard.handle(.tab)
        let screen = dashboard.render(size: size)
        #expect(screen.contains("Help: table columns"))
        #expect(screen.contains("marked ! after the state"), "\(screen)")
    }

    @Test("S goes back to the previous sort column; o reverses the order")
    func sortCyclesBack() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        _ = dashboard.render(size: large)
        dashboard.handle(.character("s"))
        #expect(dashboard.render(size: large).contains("sort node/zone ▲"))
        dashboard.handle(.character("S"))
        #expect(dashboard.render(size: large).contains("sort replica id ▲"))
        dashboard.handle(.character("o"))
        #expect(dashboard.render(size: large).contains("sort replica id ▼"))
        // Back from the first column is the last column the table shows at this width (p99 at 120).
        dashboard.handle(.character("S"))
        let screen = dashboard.render(size: large)
        #expect(screen.contains("sort request p99 ▼"), "\(screen)")
    }

    @Test("s steps over a column hidden in the chooser and over columns cut for width")
    func sortSkipsHiddenColumns() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        _ = dashboard.render(size: small)
        // The chooser's second line is node/zone: hide it.
        dashboard.handle(.character("C"))
        dashboard.handle(.down)
        dashboard.handle(.character(" "))
        dashboard.handle(.escape)
        let hidden = dashboard.render(size: small)
        #expect(!hidden.row(3).contains("node/zone"), "\(hidden)")
        dashboard.handle(.character("s"))
        #expect(dashboard.render(size: small).contains("sort state ▲"))
        dashboard.handle(.character("S"))
        dashboard.handle(.character("S"))
        // Before the id comes the last column shown at 80 columns, never one cut for width.
        let screen = dashboard.render(size: small)
        let lastHeading = screen.row(3).split(separator: " ").last { $0 != "›" }.map(String.init) ?? ""
        let title = lastHeading.filter { !"▲▼›".contains($0) }
        let last = ReplicaColumn.allCases.first { $0.title == title }
        #expect(last != nil, "\(screen)")
        #expect(screen.row(2).contains("sort \(last?.longTitle ?? "?") "), "\(screen)")
    }

    @Test("columns cut at the right edge are marked ›, and only then")
    func cutColumnsMarked() {
        let control = FakeRouterControl(Fixtures.snapshot())
        let narrow = Fixtures.controller(control).render(size: small)
        #expect(narrow.row(3).hasSuffix("›"), "\(narrow)")
        let wide = Fixtures.controller(control).render(size: TerminalSize(columns: 220, rows: 40))
        #expect(wide.row(3).contains("fault"))
        #expect(!wide.row(3).contains("›"), "\(wide)")
        let ascii = Fixtures.controller(control, ascii: true).render(size: small)
        #expect(ascii.row(3).hasSuffix(">"), "\(ascii)")
    }

    @Test("the column chooser keeps each title apart from its legend")
    func chooserLabels() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        _ = dashboard.render(size: small)
        dashboard.handle(.character("C"))
        let screen = dashboard.render(size: small)
        #expect(screen.contains("[x] node/zone  its node/zone, for the locality tiers"), "\(screen)")
        #expect(!screen.contains("node/zoneits"))
    }

    @Test("at 80×24 the editor leaves the header in view and its refusal is whole, not cut")
    func editorAt80() throws {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        _ = dashboard.render(size: small)
        dashboard.handle(.character("e"))
        let open = dashboard.render(size: small)
        #expect(open.row(0).hasPrefix("routertop"), "\(open)")
        #expect(open.row(1).contains("backoff 0.025s"), "\(open)")
        #expect(open.contains("Edit router parameters"))
        dashboard.handle(.down)
        dashboard.handle(.down)
        dashboard.handle(.character("\u{15}"))
        dashboard.type("0.01")
        let refused = dashboard.render(size: small)
        let field = try #require(refused.rows(containing: "max backoff (s)").first)
        #expect(field.contains("refused: see why below"), "\(refused)")
        // The reason, wrapped inside the box: every word of it on screen, none cut at the edge.
        let inside = (0..<refused.height).map { refused.row($0) }.filter { $0.hasPrefix("│ ") }
            .map { $0.dropFirst(2).dropLast().trimmingCharacters(in: .whitespaces) }
        let text = inside.joined(separator: " ")
        #expect(text.contains("refused: max backoff (s) = 0.01 is below the initial backoff 0.025; it must be "
                              + "at least the initial backoff; the form cannot be applied"), "\(refused)")
    }

    @Test("a read-only footer offers no key that read-only refuses")
    func readOnlyFooter() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()), readOnly: true)
        let screen = dashboard.render(size: large)
        #expect(screen.row(large.rows - 1).contains("q quit"))
        #expect(!screen.row(large.rows - 1).contains("export"), "\(screen)")
        var offered: [String] = []
        for context in KeyMapTests.views {
            let state = KeyMapTests.state(in: context)
            for (keys, label) in KeyHelp.footer(for: state, simulated: true, readOnly: true) {
                let key = KeyMapTests.firstKey(of: keys)
                #expect(key != nil, "footer \(keys) names no key")
                let decision = key.map { state.decide($0, in: context, snapshot: KeyMapTests.snapshot(), readOnly: true) }
                if case .refused = decision { offered.append("\(keys) \(label) in \(context)") }
            }
        }
        #expect(offered.isEmpty, "read-only footers offer refused keys: \(offered)")
    }

    @Test("a replica typed as HOST:PORT is added over http; a refused one comes back in the prompt")
    func addressPrompt() {
        let control = FakeRouterControl(Fixtures.snapshot(mode: .proxy(listen: "127.0.0.1:8000")))
        control.setReply(.refused("replica 127.0.0.1:9 does not answer"))
        let dashboard = Fixtures.controller(control)
        _ = dashboard.render(size: small)
        dashboard.handle(.character("a"))
        dashboard.type("127.0.0.1:9")
        dashboard.handle(.enter)
        #expect(control.commands == [.addReplica(address: "http://127.0.0.1:9")])
        let screen = dashboard.render(size: small)
        #expect(screen.row(22).contains("add replica 127.0.0.1:9 refused: replica 127.0.0.1:9 does not answer"), "\(screen)")
        #expect(screen.row(23).contains("replica HOST:PORT or URL: 127.0.0.1:9_"), "\(screen)")
        // Corrected, not typed again.
        dashboard.handle(.backspace)
        dashboard.type("9009")
        control.setReply(.done(""))
        dashboard.handle(.enter)
        #expect(control.commands.last == .addReplica(address: "http://127.0.0.1:9009"))
        #expect(dashboard.render(size: small).row(22).contains("add replica 127.0.0.1:9009: done"))
        dashboard.handle(.character("a"))
        dashboard.type("http://10.0.0.2:80/api")
        dashboard.handle(.enter)
        #expect(control.commands.last == .addReplica(address: "http://10.0.0.2:80/api"), "a URL is sent as typed")
    }
}
