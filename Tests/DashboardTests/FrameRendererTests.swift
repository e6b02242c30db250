import Foundation
import Dashboard
import RouterEngine
import Testing

@Suite("Rendering the frame into the cell grid")
struct ScreenRenderingTests {
    @Test("every replica's id and queue figure are on screen", arguments: [
        (TerminalSize(columns: 80, rows: 24), 8),
        (TerminalSize(columns: 160, rows: 50), 16),
        (TerminalSize(columns: 160, rows: 50), 24),
    ])
    func everyReplicaShown(size: TerminalSize, count: Int) {
        let snapshot = Fixtures.snapshot(replicas: count)
        let screen = Fixtures.controller(FakeRouterControl(snapshot)).render(size: size)
        #expect(screen.size == size)
        for replica in snapshot.replicas {
            let figure = "\(replica.queueLength)/\(replica.maxOngoingRequests)"
            let rows = screen.rows(containing: replica.id.rawValue + " ").filter { $0.contains(figure) }
            #expect(rows.count == 1, "\(replica.id) and its queue figure \(figure) at \(size)")
        }
    }

    @Test("the header shows mode, rates, tasks and the live backoff parameters")
    func header() {
        var settings = RouterSettings.defaults
        settings.initialBackoff = 0.01
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(settings: settings)))
            .render(size: TerminalSize(columns: 160, rows: 50))
        let top = screen.row(0) + "\n" + screen.row(1)
        #expect(top.contains("simulated fleet"))
        #expect(top.contains("in 121/s out 119/s"))
        #expect(top.contains("pending 7"))
        #expect(top.contains("tasks 3/16 (probing 0, backoff 2)"))
        #expect(top.contains("0.01s*"), "a changed value is marked")
        #expect(top.contains("max 0.5s"))
        #expect(top.contains("changed since start"))
    }

    @Test("backoff countdowns come from snapshot time and wake-up time")
    func countdown() {
        let snapshot = Fixtures.snapshot(time: .seconds(10), timers: [
            BackoffTimerSnapshot(taskID: 1, requestID: RequestID(99), failedAttempts: 4, wait: .milliseconds(100),
                                 inBackoffSince: .seconds(9.5), wakeAt: .seconds(10.045)),
        ])
        let control = FakeRouterControl(snapshot)
        let dashboard = Fixtures.controller(control)
        let size = TerminalSize(columns: 120, rows: 40)
        let line = dashboard.render(size: size).rows(containing: "req-99").first ?? ""
        #expect(line.contains("#5"))
        #expect(line.contains("wait 100ms"))
        #expect(line.contains("45ms left"))
        // The same frame rendered again shows the same time left; a later snapshot shows less.
        #expect(dashboard.render(size: size).rows(containing: "req-99").first == line)
        var later = snapshot
        later.time = .seconds(10.030)
        control.setSnapshot(later)
        #expect(dashboard.render(size: size).rows(containing: "req-99").first?.contains("15ms left") == true)
    }

    @Test("the attempts distribution and retry totals are shown")
    func distribution() {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot())).render(size: TerminalSize(columns: 160, rows: 50))
        #expect(screen.contains("attempts per request"))
        #expect(screen.contains("4800"))
        #expect(screen.contains("failed attempts 42"))
        #expect(screen.contains("sleeps 30"))
    }

    @Test("the event log shows the newest events with their kind")
    func eventLog() {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot())).render(size: TerminalSize(columns: 160, rows: 40))
        let line = screen.rows(containing: "by alice from 10.0.0.5").first ?? ""
        #expect(line.contains("00:00:09.0"))
        #expect(line.contains("settings"))
        #expect(line.contains("0.025 → 0.01"))
    }

    @Test("on a very narrow terminal the notice wraps")
    func tooSmallWraps() {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot())).render(size: TerminalSize(columns: 30, rows: 8))
        #expect(screen.row(0).hasPrefix("terminal too small (need "))
        #expect(screen.row(1).hasPrefix("40×10)"))
        for y in 2..<8 { #expect(screen.row(y).allSatisfy { $0 == " " }) }
    }

    @Test("below 40×10 only the too-small notice is drawn", arguments: [
        TerminalSize(columns: 39, rows: 24), TerminalSize(columns: 80, rows: 9), TerminalSize(columns: 31, rows: 3),
    ])
    func tooSmall(size: TerminalSize) {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot())).render(size: size)
        let expected = "terminal too small (need 40×10)"
        #expect(screen.row(0) == String((expected + String(repeating: " ", count: size.columns)).prefix(size.columns)))
        for y in 1..<size.rows { #expect(screen.row(y).allSatisfy { $0 == " " }) }
    }

    @Test("at 40×10 the table and the footer still show")
    func smallest() {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 3))).render(size: TerminalSize(columns: 40, rows: 10))
        #expect(screen.contains("replica-0"))
        #expect(screen.contains("q quit"))
        #expect(!screen.contains("Events"))
        #expect(!screen.contains("Tasks:"))
    }

    @Test("panels drop below 80×24: the event log first, then the timers")
    func panelDropping() {
        let control = FakeRouterControl(Fixtures.snapshot(replicas: 4))
        let full = Fixtures.controller(control).render(size: TerminalSize(columns: 80, rows: 24))
        #expect(full.contains("Events") && full.contains("Tasks:"))
        let shorter = Fixtures.controller(control).render(size: TerminalSize(columns: 80, rows: 20))
        #expect(!shorter.contains("Events") && shorter.contains("Tasks:"))
        let short = Fixtures.controller(control).render(size: TerminalSize(columns: 80, rows: 14))
        #expect(!short.contains("Events") && !short.contains("Tasks:") && short.contains("replica-3"))
    }

    static let viewsAtEverySize = [
        ViewAtEverySize(name: "table", keys: [], marks: ["replica-0"], header: true),
        ViewAtEverySize(name: "detail", keys: [.enter], marks: ["replica-0"], header: true),
        ViewAtEverySize(name: "help", keys: [.character("?")], marks: ["Help: keys", "quit"], header: true),
        ViewAtEverySize(name: "editor", keys: [.character("e"), .character("x")],
                        marks: ["Edit router parameters", "0.025x", "refused"], header: false),
        ViewAtEverySize(name: "filter", keys: [.character("/"), .character("1")], marks: ["replica-1"], header: true),
    ]

    /// One test, the views one after another: as parallel test cases these CPU-bound renders took
    /// every thread of the test pool and starved the end-to-end tests that poll on it.
    @Test("every size from 1×1 to 200×60 draws the view asked for, or the too-small line")
    func everySize() {
        let tooSmall = "terminal too small (need 40×10)"
        // Every fifth width and third height, and the sizes on each side of the 40×10 minimum.
        let widths = Array(stride(from: 1, through: 200, by: 5)) + [39, 40]
        let heights = Array(stride(from: 1, through: 60, by: 3)) + [9, 10]
        for view in Self.viewsAtEverySize {
            let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 40)))
            for key in view.keys { dashboard.handle(key) }
            for columns in widths {
                for rows in heights {
                    let screen = dashboard.render(size: TerminalSize(columns: columns, rows: rows))
                    #expect(screen.cells.count == columns * rows)
                    let text = (0..<rows).map(screen.row).joined(separator: "\n")
                    if columns < 40 || rows < 10 {
                        // Only the message, from its start, wrapped or cut to what fits, and nothing else.
                        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                        #expect(lines.first.map { tooSmall.hasPrefix($0) } == true, "\(columns)×\(rows): \(text)")
                        #expect(lines.allSatisfy { tooSmall.contains($0) }, "\(columns)×\(rows): \(text)")
                    } else {
                        #expect(!text.contains("terminal too small"), "\(view.name) at \(columns)×\(rows)")
                        for mark in view.marks {
                            #expect(text.contains(mark), "\(view.name) at \(columns)×\(rows) lacks \(mark):\n\(text)")
                        }
                        if view.header {
                            #expect(screen.row(0).hasPrefix("routertop  "), "\(view.name) at \(columns)×\(rows)")
                        }
                    }
                }
            }
        }
    }

    struct ViewAtEverySize: CustomTestStringConvertible, Sendable {
        var name: String
        var keys: [Key]
        var marks: [String]
        var header: Bool
        var testDescription: String { name }
    }

    /// Every size a terminal can have, from 1×1 up, stepped so a run stays short.
    static let everySize = stride(from: 1, through: 200, by: 7).flatMap { columns in
        stride(from: 1, through: 60, by: 3).map { TerminalSize(columns: columns, rows: $0) }
    }

    @Test("every size in read-only and ASCII modes fills exactly the grid asked for, help open or not",
          arguments: [(true, false), (false, true), (true, true)])
    func everySizeOtherModes(readOnly: Bool, ascii: Bool) {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 40)),
                                            readOnly: readOnly, ascii: ascii)
        dashboard.handle(.character("?"))
        for (index, size) in Self.everySize.enumerated() {
            if index == Self.everySize.count / 2 { dashboard.handle(.escape) }
            let screen = dashboard.render(size: size)
            #expect(screen.size == size && screen.cells.count == size.columns * size.rows, "at \(size)")
        }
    }

    @Test("ASCII mode draws only ASCII at every size, help open or not")
    func everySizeASCIIOnly() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 40)), ascii: true)
        dashboard.handle(.character("?"))
        for (index, size) in Self.everySize.enumerated() {
            if index == Self.everySize.count / 2 { dashboard.handle(.escape) }
            #expect(dashboard.render(size: size).cells.allSatisfy { $0.character.isASCII }, "ASCII only at \(size)")
        }
    }

    @Test("read-only is said in the header at every size with room for it")
    func everySizeSaysReadOnly() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 40)), readOnly: true)
        let roomy = Self.everySize.filter { $0.columns >= 99 && $0.rows >= 24 }
        #expect(!roomy.isEmpty)
        for size in roomy {
            let screen = dashboard.render(size: size)
            #expect(screen.row(0).contains("READ-ONLY"), "read-only is said at \(size): \(screen.row(0))")
        }
    }

    @Test("with no replicas every size fills the grid, and the header leads when there is room")
    func everySizeNoReplicas() {
        let empty = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 0, timers: [], events: [])))
        let sizes = [1, 40, 79, 80, 200].flatMap { columns in [1, 10, 23, 24, 60].map { TerminalSize(columns: columns, rows: $0) } }
        for size in sizes {
            #expect(empty.render(size: size).size == size, "at \(size)")
        }
        for size in sizes where size.columns >= 80 && size.rows >= 24 {
            #expect(empty.render(size: size).row(0).hasPrefix("routertop"), "the header leads an empty fleet's screen at \(size)")
        }
        #expect(empty.render(size: TerminalSize(columns: 0, rows: 0)).cells.isEmpty)
    }

    @Test("ASCII mode draws nothing but ASCII, bars and sparklines included")
    func asciiFallback() {
        let control = FakeRouterControl(Fixtures.snapshot(replicas: 12))
        let dashboard = Fixtures.controller(control, ascii: true)
        for size in [TerminalSize(columns: 160, rows: 50), TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 20, rows: 5)] {
            let screen = dashboard.render(size: size)
            let nonASCII = screen.cells.filter { !$0.character.isASCII }
            #expect(nonASCII.isEmpty, "at \(size): \(String(nonASCII.map(\.character)))")
        }
        let screen = dashboard.render(size: TerminalSize(columns: 160, rows: 50))
        #expect(screen.contains("0.025 -> 0.01"), "arrows in event messages are spelt out")
        #expect(screen.contains("#"), "bars use #")
        #expect(dashboard.render(size: TerminalSize(columns: 39, rows: 5)).row(0).hasPrefix("terminal too small (need 40x10)"))
        let unicode = Fixtures.controller(control).render(size: TerminalSize(columns: 160, rows: 50))
        #expect(unicode.cells.contains { "▁▂▃▄▅▆▇█".contains($0.character) }, "Unicode blocks by default")
    }

    @Test("read-only shows a banner and the header says so")
    func readOnlyBanner() {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()), readOnly: true)
            .render(size: TerminalSize(columns: 100, rows: 30))
        #expect(screen.row(2).contains("READ-ONLY: watching only"))
        #expect(screen.row(0).contains("READ-ONLY"))
        #expect(!screen.contains("e edit"), "the footer does not offer changes")
    }

    @Test("pause freezes the displayed snapshot and the header says PAUSED")
    func pause() {
        let control = FakeRouterControl(Fixtures.snapshot(replicas: 3))
        let dashboard = Fixtures.controller(control)
        let size = TerminalSize(columns: 120, rows: 40)
        _ = dashboard.render(size: size)
        dashboard.handle(.character("p"))
        control.setSnapshot(Fixtures.snapshot(replicas: 5))
        let paused = dashboard.render(size: size)
        #expect(paused.row(0).contains("PAUSED"))
        #expect(!paused.contains("replica-4"))
        dashboard.handle(.character(" "))
        let live = dashboard.render(size: size)
        #expect(!live.row(0).contains("PAUSED"))
        #expect(live.contains("replica-4"))
    }

    @Test("Enter opens the selected replica's detail, Esc goes back")
    func detail() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 5)))
        let size = TerminalSize(columns: 120, rows: 40)
        _ = dashboard.render(size: size)
        dashboard.handle(.down)
        dashboard.handle(.down)
        dashboard.handle(.enter)
        let detail = dashboard.render(size: size)
        #expect(detail.contains("Replica replica-2 (3 of 5)"))
        #expect(detail.contains("retries attributed 6"))
        #expect(detail.contains("from local"))
        dashboard.handle(.escape)
        #expect(dashboard.render(size: size).contains("Replicas 5"))
    }

    @Test("the help overlay lists the keys")
    func help() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        dashboard.handle(.function(1))
        let screen = dashboard.render(size: TerminalSize(columns: 100, rows: 30))
        #expect(screen.contains("Help: keys"))
        #expect(screen.contains("edit parameters"))
        #expect(screen.contains("slow its probes"))
        dashboard.handle(.escape)
        #expect(!dashboard.render(size: TerminalSize(columns: 100, rows: 30)).contains("Help: keys"))
    }

    @Test("the table scrolls to keep the selected row in view")
    func scrolling() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 100)))
        let size = TerminalSize(columns: 100, rows: 30)
        _ = dashboard.render(size: size)
        dashboard.handle(.end)
        let screen = dashboard.render(size: size)
        #expect(screen.contains("replica-99 "))
        #expect(!screen.contains("replica-0 "))
        dashboard.handle(.home)
        #expect(dashboard.render(size: size).contains("replica-0 "))
    }

    @Test("Tab gives the arrows to the event log, which scrolls back in time")
    func eventScrolling() {
        let events = (0..<60).map { RouterEvent(time: .seconds(Double($0)), kind: .info, message: "event number \($0)") }
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 4, events: events)))
        let size = TerminalSize(columns: 100, rows: 30)
        let start = dashboard.render(size: size)
        #expect(start.contains("event number 59"))
        dashboard.handle(.tab)
        dashboard.handle(.tab)
        dashboard.handle(.up)
        dashboard.handle(.pageUp)
        let back = dashboard.render(size: size)
        #expect(!back.contains("event number 59"))
        #expect(back.contains("newer below"))
        dashboard.handle(.home)
        #expect(dashboard.render(size: size).contains("event number 0 "))
        dashboard.handle(.end)
        #expect(dashboard.render(size: size).contains("event number 59"))
    }
}

