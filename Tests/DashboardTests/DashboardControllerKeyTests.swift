import Dashboard
import Foundation
import RouterEngine
import Testing

@Suite("Keys send the right commands")
struct KeyHandlingTests {
    private let size = TerminalSize(columns: 120, rows: 40)

    /// A dashboard with the third replica selected.
    private func dashboard(_ control: FakeRouterControl, readOnly: Bool = false) -> DashboardController {
        let dashboard = Fixtures.controller(control, readOnly: readOnly)
        _ = dashboard.render(size: size)
        dashboard.handle(.down)
        dashboard.handle(.character("j"))
        return dashboard
    }

    @Test("fleet keys act on the selected replica", arguments: [
        (Character("u"), RouterCommand.injectFault(ReplicaID("replica-2"), .unavailable)),
        (Character("x"), RouterCommand.injectFault(ReplicaID("replica-2"), .kill)),
        (Character("w"), RouterCommand.injectFault(ReplicaID("replica-2"), .slowProbe(delay: .milliseconds(300)))),
        (Character("f"), RouterCommand.injectFault(ReplicaID("replica-2"), .saturate)),
        (Character("r"), RouterCommand.recover(ReplicaID("replica-2"))),
        (Character("d"), RouterCommand.removeReplica(ReplicaID("replica-2"))),
        (Character("a"), RouterCommand.addReplica(address: nil)),
        (Character("+"), RouterCommand.setLoad(requestsPerSecond: 125)),
        (Character("-"), RouterCommand.setLoad(requestsPerSecond: 80)),
        (Character("z"), RouterCommand.settings(.undo)),
    ])
    func fleetKeys(key: Character, command: RouterCommand) {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = dashboard(control)
        dashboard.handle(.character(key))
        // Remove and kill are destructive: they wait for `y`.
        if key == "d" || key == "x" { dashboard.handle(.character("y")) }
        #expect(control.commands == [command])
    }

    @Test("a destructive key asks first: any key but y cancels and changes nothing", arguments: ["d", "x"] as [Character])
    func destructiveKeysAsk(key: Character) {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = dashboard(control)
        dashboard.handle(.character(key))
        #expect(control.commands.isEmpty)
        #expect(dashboard.render(size: size).contains("replica-2? y confirms, any other key cancels"))
        dashboard.handle(.character("n"))
        #expect(control.commands.isEmpty)
        #expect(dashboard.render(size: size).contains("replica-2: cancelled; nothing changed"))
    }

    @Test("two quick + presses both count, before the router's answer shows; then the shown load is the base")
    func quickLoadPresses() {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = dashboard(control)
        dashboard.handle(.character("+"))
        dashboard.handle(.character("+"))
        #expect(control.commands == [.setLoad(requestsPerSecond: 125), .setLoad(requestsPerSecond: 156)])
        var halfway = Fixtures.snapshot()
        halfway.simulation = SimulationStatus(requestsPerSecond: 125, arrival: .poisson)
        control.setSnapshot(halfway)
        _ = dashboard.render(size: size)
        dashboard.handle(.character("+"))
        #expect(control.commands.last == .setLoad(requestsPerSecond: 195), "the first answer shows; the second is still on its way")
        var answered = Fixtures.snapshot()
        answered.simulation = SimulationStatus(requestsPerSecond: 195, arrival: .poisson)
        control.setSnapshot(answered)
        _ = dashboard.render(size: size)
        dashboard.handle(.character("-"))
        #expect(control.commands.last == .setLoad(requestsPerSecond: 156))
    }

    @Test("in the detail view the keys act on the replica shown; k moves to the previous one")
    func detailKeys() {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = dashboard(control)
        dashboard.handle(.enter)
        dashboard.handle(.character("k"))
        #expect(dashboard.render(size: size).contains("Replica replica-1"))
        dashboard.handle(.character("u"))
        #expect(control.commands == [.injectFault(ReplicaID("replica-1"), .unavailable)])
    }

    @Test("read-only refuses every change with a banner and sends nothing")
    func readOnly() {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = dashboard(control, readOnly: true)
        for key in "uxwfrda+-z" {
            dashboard.handle(.character(key))
            #expect(dashboard.render(size: size).contains("read-only:"), "key \(key)")
        }
        dashboard.handle(.character("e"))
        #expect(!dashboard.isEditing)
        #expect(dashboard.render(size: size).contains("read-only: editing parameters is refused"))
        #expect(control.commands.isEmpty)
        dashboard.handle(.character("p"))
        #expect(dashboard.isPaused, "watching keys still work")
    }

    @Test("load and fault keys are refused in proxy mode, with the reason")
    func proxyMode() {
        let control = FakeRouterControl(Fixtures.snapshot(mode: .proxy(listen: "0.0.0.0:8080")))
        let dashboard = dashboard(control)
        for key in "uxwfr+-" {
            dashboard.handle(.character(key))
        }
        #expect(control.commands.isEmpty)
        #expect(dashboard.render(size: size).contains("works only on the simulated fleet; this router is a proxy on 0.0.0.0:8080"))
        dashboard.handle(.character("z"))
        #expect(control.commands == [.settings(.undo)], "undo is not a fleet key")
    }

    @Test("proxy-mode replicas are removed, drained, undrained and added by URL")
    func proxyReplicaKeys() {
        var snapshot = Fixtures.snapshot(mode: .proxy(listen: "0.0.0.0:8080"))
        let control = FakeRouterControl(snapshot)
        let dashboard = dashboard(control)
        _ = dashboard.render(size: size)
        let selected = ReplicaID("replica-2")
        dashboard.handle(.character("D"))
        #expect(control.commands.isEmpty, "drain in proxy mode asks first")
        dashboard.handle(.character("y"))
        dashboard.handle(.character("d"))
        dashboard.handle(.character("y"))
        #expect(control.commands == [.drainReplica(selected), .removeReplica(selected)])

        snapshot.replicas[snapshot.replicas.firstIndex { $0.id == selected }!].state = .draining
        control.setSnapshot(snapshot)
        _ = dashboard.render(size: size)
        dashboard.handle(.character("D"))
        #expect(control.commands.last == .undrainReplica(selected))

        dashboard.handle(.character("a"))
        #expect(dashboard.render(size: size).contains("replica HOST:PORT or URL: _   Enter add replica · Esc cancel"))
        for character in "http://x y" { dashboard.handle(.character(character)) }
        dashboard.handle(.character("\u{15}"))
        #expect(dashboard.render(size: size).contains("replica HOST:PORT or URL: _ "), "Ctrl-U clears the address typed so far")
        for character in "http://127.0.0.1:9009" { dashboard.handle(.character(character)) }
        dashboard.handle(.enter)
        #expect(control.commands.last == .addReplica(address: "http://127.0.0.1:9009"))
    }

    @Test("q on an attached proxy-mode router asks: stop routing, detach, or cancel")
    func quitPrompt() {
        let control = FakeRouterControl(Fixtures.snapshot(mode: .proxy(listen: "127.0.0.1:8000")))
        control.setConnection(.connected(address: "/run/routertop/8000.sock"))
        let dashboard = dashboard(control)
        #expect(dashboard.render(size: size).row(1).contains("proxy on 127.0.0.1:8000, connected"),
                "the header says how the router is reached")
        dashboard.handle(.character("q"))
        #expect(!dashboard.wantsQuit)
        #expect(dashboard.render(size: size).contains("s    stop routing"))
        dashboard.handle(.escape)
        #expect(!dashboard.wantsQuit)
        #expect(dashboard.render(size: size).contains("quit cancelled"))

        dashboard.handle(.character("q"))
        dashboard.handle(.character("s"))
        #expect(control.commands == [.stopRouting])
        _ = dashboard.render(size: size)
        #expect(dashboard.wantsQuit && dashboard.stoppedRouter, "the router said it stops, so the screen closes")

        let detaching = self.dashboard(control)
        detaching.handle(.character("q"))
        detaching.handle(.character("d"))
        #expect(detaching.wantsQuit && !detaching.stoppedRouter)
    }

    @Test("a settings change made elsewhere shows as a banner; our own does not")
    func othersChangesAreAnnounced() {
        var snapshot = Fixtures.snapshot()
        let control = FakeRouterControl(snapshot)
        let dashboard = dashboard(control)
        let sequence = (snapshot.events.last?.sequence ?? 0) + 1
        snapshot.events.append(RouterEvent(time: snapshot.time, kind: .settings,
                                           message: "set: backoff multiplier 2 → 3 by alice from 203.0.113.9", sequence: sequence))
        control.setSnapshot(snapshot)
        #expect(dashboard.render(size: size).contains(" set: backoff multiplier 2 → 3 by alice from 203.0.113.9"))

        dashboard.handle(.character("z"))
        snapshot.events.append(RouterEvent(time: snapshot.time, kind: .settings, message: "undo: mine", sequence: sequence + 1))
        control.setSnapshot(snapshot)
        #expect(dashboard.render(size: size).contains(" undo: done"), "our own change shows as our command's result, not as a banner")
    }

    @Test("q quits at once in process, and the header marks a lost connection as stale")
    func quitInProcessAndStaleHeader() {
        let control = FakeRouterControl(Fixtures.snapshot(mode: .proxy(listen: "127.0.0.1:8000")))
        let dashboard = dashboard(control)
        dashboard.handle(.character("q"))
        #expect(dashboard.wantsQuit)

        control.setConnection(.reconnecting(address: "x", since: Date(timeIntervalSince1970: 3600)))
        let attached = self.dashboard(control)
        #expect(attached.render(size: size).contains("reconnecting since 01:00:00 UTC"))
    }

    @Test("command results show on the next frame, refusals with their reason")
    func results() {
        let control = FakeRouterControl(Fixtures.snapshot())
        control.setReply(.refused("replica-2 is already dead"))
        let dashboard = dashboard(control)
        dashboard.handle(.character("x"))
        dashboard.handle(.character("y"))
        #expect(dashboard.render(size: size).contains("kill replica-2 refused: replica-2 is already dead"))
        control.setReply(.done("replica-2 recovered"))
        dashboard.handle(.character("r"))
        #expect(dashboard.render(size: size).contains("recover replica-2: replica-2 recovered"))
    }

    @Test("results delivered from another thread are picked up")
    func resultsFromAnotherThread() async {
        final class LateControl: RouterControl {
            let snapshot = Fixtures.snapshot()
            func latestSnapshot() -> RouterSnapshot { snapshot }
            func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
                Thread.detachNewThread { completion(.refused("late and refused")) }
            }
        }
        let dashboard = DashboardController(control: LateControl(), configuration: Fixtures.configuration(), theme: .plain)
        dashboard.handle(.character("a"))
        // Look once more after every wait, so a test run that starves this task cannot make the
        // deadline pass between the delivery and the look.
        let deadline = ContinuousClock.now + .seconds(30)
        var shown = false
        while true {
            shown = dashboard.render(size: size).contains("add replica refused: late and refused")
            if shown || ContinuousClock.now >= deadline { break }
            await Task.yield()
        }
        #expect(shown)
    }

    @Test("q and F10 quit; q inside the editor is typed, not quit")
    func quit() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        dashboard.handle(.character("e"))
        dashboard.handle(.character("q"))
        #expect(!dashboard.wantsQuit)
        #expect(dashboard.editorForm?.text(.initialBackoff) == "0.025q")
        dashboard.handle(.function(10))
        #expect(dashboard.wantsQuit)
        let other = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        other.handle(.character("q"))
        #expect(other.wantsQuit)
    }

    @Test("< and > step the refresh interval and refuse to leave 50…10000 ms")
    func refresh() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        #expect(dashboard.refreshMilliseconds == 500)
        dashboard.handle(.character("<"))
        #expect(dashboard.refreshMilliseconds == 250)
        for _ in 0..<10 { dashboard.handle(.character("<")) }
        #expect(dashboard.refreshMilliseconds == 50)
        #expect(dashboard.render(size: size).contains("refresh is already the fastest allowed (50 ms)"))
        for _ in 0..<20 { dashboard.handle(.character(">")) }
        #expect(dashboard.refreshMilliseconds == 10_000)
    }

    @Test("E exports the live settings as environment lines and shows the path")
    func export() throws {
        let directory = NSTemporaryDirectory() + "routertop-export-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = RouterSettings.defaults
        settings.maxBackoff = 2
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(settings: settings)), exportDirectory: directory)
        dashboard.handle(.character("E"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.count == 1)
        let path = directory + "/" + files[0]
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in settings.environmentLines { #expect(text.contains(line + "\n")) }
        #expect(text.contains("RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S=2\n"))
        let screen = dashboard.render(size: TerminalSize(columns: 200, rows: 40))
        #expect(screen.contains("settings exported to \(path)"))
    }

    @Test("E in read-only mode is refused and writes nothing")
    func exportReadOnly() throws {
        let directory = NSTemporaryDirectory() + "routertop-export-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()), readOnly: true, exportDirectory: directory)
        dashboard.handle(.character("E"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        #expect(dashboard.render(size: TerminalSize(columns: 200, rows: 40)).contains("read-only: export is refused"))
    }

    @Test("E into a folder that does not exist says why")
    func exportRefused() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()), exportDirectory: "/nonexistent-routertop-dir")
        dashboard.handle(.character("E"))
        #expect(dashboard.render(size: TerminalSize(columns: 200, rows: 40)).contains("export refused: /nonexistent-routertop-dir/"))
    }

    @Test("t switches to the next theme in themes/, in name order")
    func themes() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        let names = Theme.available(in: [Fixtures.themesDirectory])
        var seen: [String] = []
        for _ in names {
            dashboard.handle(.character("t"))
            seen.append(dashboard.theme.name)
        }
        #expect(seen == names)
        dashboard.handle(.function(9))
        #expect(dashboard.theme.name == names[0])
    }

    @Test("+ at zero load starts at one request per second; - at zero is refused")
    func loadSteps() {
        let zero = Fixtures.snapshot()
        var snapshot = zero
        snapshot.simulation = SimulationStatus(requestsPerSecond: 0, arrival: .poisson)
        let control = FakeRouterControl(snapshot)
        let dashboard = Fixtures.controller(control)
        dashboard.handle(.character("-"))
        #expect(control.commands.isEmpty)
        #expect(dashboard.render(size: size).contains("the load is already 0"))
        dashboard.handle(.character("+"))
        #expect(control.commands == [.setLoad(requestsPerSecond: 1)])
    }

    @Test("a status message fades after ten seconds of router time")
    func statusFades() {
        let control = FakeRouterControl(Fixtures.snapshot(time: .seconds(100)))
        let dashboard = Fixtures.controller(control)
        dashboard.handle(.character("a"))
        #expect(dashboard.render(size: size).contains("add replica: done"))
        control.setSnapshot(Fixtures.snapshot(time: .seconds(109)))
        #expect(dashboard.render(size: size).contains("add replica: done"))
        control.setSnapshot(Fixtures.snapshot(time: .seconds(111)))
        #expect(!dashboard.render(size: size).contains("add replica: done"))
    }
}
