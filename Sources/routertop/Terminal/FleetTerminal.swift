import Dashboard
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import RouterAPI
import RouterAttach
import RouterFleet

/// The fleet screen on the terminal: the same curses session and painter as the dashboard; Enter
/// runs a router's full dashboard inside it until Esc, and `e` runs a rollout on a thread of its own.
enum FleetTerminal {
    /// What the rollout thread hands the UI thread.
    private enum Report {
        case step(RolloutMachine.Action, [String: RolloutOutcome])
        case comparison(CanaryComparison, Int)
    }

    static func run(
        source: FleetSource, select: String?, configuration: DashboardConfiguration, themeName: String,
        group: any EventLoopGroup, token: String?, makeClient: @escaping (AttachTarget) -> ControlClient
    ) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        var configuration = configuration
        configuration.origin = OperatorOrigin.from(environment: environment)
        configuration.themeSearchDirectories = ThemeDirectories.searchDirectories()
        let theme: Theme
        do {
            theme = try Theme.load(themeName, searchDirectories: configuration.themeSearchDirectories)
        } catch {
            printError("routertop: \(error)")
            return 2
        }
        if let problem = TerminalCheck.problem() {
            printError("routertop: " + problem)
            return 2
        }
        if !LocaleCheck.adoptEnvironmentLocale() { configuration.ascii = true }
        FatalSignals.ignoreBrokenPipes()
        StopSignals.install()
        let capture = StderrCapture.start(temporaryDirectory: environment["TMPDIR"] ?? "/tmp")
        defer { capture?.stop() }
        let session: CursesSession
        do {
            session = try CursesSession.start(noColor: !(environment["NO_COLOR"] ?? "").isEmpty,
                                              terminalName: environment["TERM"])
        } catch {
            capture?.stop()
            printError(error.description)
            return 2
        }
        defer { session.end() }
        FatalSignals.install()
        configuration.colorDepth = session.colorDepth
        let painter = CursesPainter(depth: session.colorDepth, pairs: session.pairs, ascii: configuration.ascii)
        let controller = FleetController(theme: theme, ascii: configuration.ascii, readOnly: configuration.readOnly)
        let reports = NIOLockedValueBox([Report]())
        var runner: RolloutRunner?
        let clock = ContinuousClock()
        var nextTick = clock.now
        while StopSignals.received == nil, !controller.wantsQuit {
            for report in reports.withLockedValue({ box in defer { box.removeAll() }; return box }) {
                switch report {
                case .step(let action, let outcomes): controller.rolloutStep(action, outcomes: outcomes)
                case .comparison(let comparison, let left): controller.rolloutComparison(comparison, secondsLeft: left)
                }
            }
            let now = clock.now
            if now >= nextTick {
                source.refresh()
                controller.fleet = source.fleet(select: select, previous: controller.fleet)
                nextTick = now + .milliseconds(configuration.refreshMilliseconds)
            }
            painter.paint(controller.render(size: session.size, now: .now()), theme: theme)
            let wait = Int((nextTick - clock.now).millisecondsValue.rounded(.up))
            guard let key = session.readKey(timeoutMilliseconds: min(max(wait, 0), 200)) else { continue }
            if key == .resize { painter.invalidate() }
            switch controller.handle(key) {
            case .none: break
            case .open(let name):
                guard let target = source.target(named: name) else { break }
                openDashboard(target: target, group: group, token: token, session: session, painter: painter,
                              configuration: configuration, theme: theme)
                painter.invalidate()
            case .startRollout(let plan):
                let started = RolloutRunner(plan: plan, targets: plan.targets.compactMap { name in
                    source.target(named: name).map { RolloutRunner.Target(name: name, client: makeClient($0)) }
                })
                runner = started
                Thread.detachNewThread {
                    _ = started.run { progress in
                        reports.withLockedValue { box in
                            switch progress {
                            case .step(let action, let outcomes): box.append(.step(action, outcomes))
                            case .comparison(let comparison, let left): box.append(.comparison(comparison, left))
                            }
                        }
                    }
                }
            case .cancelRollout:
                runner?.cancel()
            }
        }
        // A rollout still running when the screen closes reverts: its sessions end with this process.
        runner?.cancel()
        return 0
    }

    /// The router's full dashboard, as `attach` draws it, until Esc (outside the editor) or quit.
    private static func openDashboard(
        target: AttachTarget, group: any EventLoopGroup, token: String?, session: CursesSession, painter: CursesPainter,
        configuration: DashboardConfiguration, theme: Theme
    ) {
        guard let remote = try? RemoteRouter.attach(
            to: target, group: group, intervalMilliseconds: configuration.refreshMilliseconds,
            claimedAddress: configuration.origin.address, readOnly: configuration.readOnly, token: token
        ) else { return }
        defer { remote.stop() }
        let controller = DashboardController(control: ReplayingControl(remote), configuration: configuration,
                                             theme: theme)
        painter.invalidate()
        let clock = ContinuousClock()
        var nextTick = clock.now
        while StopSignals.received == nil, !controller.wantsQuit {
            painter.paint(controller.render(size: session.size), theme: controller.theme)
            let now = clock.now
            if now >= nextTick { nextTick = now + .milliseconds(controller.refreshMilliseconds) }
            let wait = Int((nextTick - now).millisecondsValue.rounded(.up))
            guard let key = session.readKey(timeoutMilliseconds: wait) else { continue }
            if key == .escape, !controller.isEditing { return }
            if key == .resize { painter.invalidate() }
            controller.handle(key)
        }
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((oneLine(line) + "\n").utf8))
    }
}
