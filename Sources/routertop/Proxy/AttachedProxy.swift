import Dashboard
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import RouterAttach
import RouterControlServer
import RouterEngine
import RouterHTTP

/// Proxy mode with the dashboard: the router runs as a headless process of its own, started on
/// demand, and this process only draws it through the control API.
enum AttachedProxy {
    static func run(
        configuration: ProxyConfiguration, startup: Startup, display: DisplayOptions,
        control: ControlOptions, logFile: String?
    ) -> Never {
        let environment = ProcessInfo.processInfo.environment
        let name = configuration.listenPort != 0 ? String(configuration.listenPort) : "proxy-\(getpid())"
        let path = ControlSetup.socketPath(control, defaultName: name, environment: environment)
        // A router already runs here: with other flags, the operator says whether this command attaches to it.
        if ControlSocketGuard.occupant(of: path) == .live, let found = RunningRouterCheck.difference(at: path) {
            switch RunningRouterCheck.ask(path: path, pid: found.pid, difference: found.difference) {
            case .attach:
                break
            case .quit:
                printLine("routertop: nothing changed; the router at \(path) keeps routing")
                exit(0)
            case .replace:
                let limit = (configuration.requestTimeout ?? .seconds(30)) + .seconds(5)
                guard RunningRouterCheck.stop(at: path, within: limit) else {
                    failStartup("the router at \(path) did not stop within \(limit); nothing was started")
                }
            }
        }
        // Checked before the router starts, so a start that cannot show anything starts nothing.
        TerminalCheck.requireTerminal()
        do {
            _ = try Theme.load(startup.display.theme, searchDirectories: ThemeDirectories.searchDirectories())
        } catch {
            failStartup("\(error)")
        }
        let logPath = logFile ?? defaultLogPath(environment: environment)
        let spawned = NIOLockedValueBox<SpawnedRouter?>(nil)
        if ControlSocketGuard.occupant(of: path) != .live {
            let pid = start(path: path, logPath: logPath, control: control, logFile: logFile)
            spawned.withLockedValue { $0 = SpawnedRouter(pid: pid) }
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let origin = OperatorOrigin.from(environment: environment)
        let remote: RemoteRouter
        do {
            remote = try RemoteRouter.attach(to: .unixSocket(path: path), group: group,
                                             intervalMilliseconds: startup.display.refreshMilliseconds,
                                             claimedAddress: origin.address, readOnly: startup.display.readOnly)
        } catch {
            failStartup(error.description)
        }
        var dashboard = DashboardConfiguration(refreshMilliseconds: startup.display.refreshMilliseconds)
        dashboard.exportDirectory = defaultExportDirectory(environment: ProcessInfo.processInfo.environment)
        dashboard.readOnly = startup.display.readOnly
        dashboard.ascii = display.ascii
        dashboard.utcClock = display.utc
        // This dashboard started the router (or finds none where it would start one): `r` starts
        // it again with the same command line once it is gone.
        remote.watchRouterProcess { spawned.withLockedValue { $0?.hasExited() ?? false } }
        let socketNamed = control.control != nil
        dashboard.restartRouter = { [remote] in
            if ControlSocketGuard.occupant(of: path) == .live {
                remote.reconnectNow()
                return .done("a router already answers at \(path); attached to it")
            }
            switch launch(path: path, logPath: logPath, socketNamed: socketNamed, logFile: logFile) {
            case .failure(let failure): return .refused(failure.description)
            case .success(let pid):
                spawned.withLockedValue { $0 = SpawnedRouter(pid: pid) }
                remote.reconnectNow()
                return .done("routing again: router process \(pid) started with the same command line")
            }
        }
        var stoppedRouter = false
        let status = TerminalDashboard.run(control: remote, configuration: dashboard, themeName: startup.display.theme) {
            stoppedRouter = $0.stoppedRouter
        }
        remote.stop()
        try? group.syncShutdownGracefully()
        let again = control.control ?? control.name ?? path
        if stoppedRouter {
            waitForEnd(of: spawned, path: path, within: (configuration.requestTimeout ?? .seconds(30)) + .seconds(5))
            printLine("routertop: the router on \(configuration.listenDescription) stopped; its log is \(logPath)")
        } else if ControlSocketGuard.occupant(of: path) == .live {
            printLine("routertop: the router keeps routing on \(configuration.listenDescription); attach again with: routertop attach \(again)")
        } else {
            printLine("routertop: no router is running on \(configuration.listenDescription); its log is \(logPath)")
        }
        exit(status)
    }

    /// Starts the router process and waits until its control socket answers; a router that ends
    /// first has its one-line reason relayed, with its exit status.
    private static func start(path: String, logPath: String, control: ControlOptions, logFile: String?) -> pid_t {
        switch launch(path: path, logPath: logPath, socketNamed: control.control != nil, logFile: logFile) {
        case .success(let pid): return pid
        case .failure(let failure):
            printLine(failure.line)
            exit(failure.status)
        }
    }

    /// Why the router process did not come up: its one line, and the status to exit with.
    struct LaunchFailure: Error, CustomStringConvertible {
        var line: String
        var status: Int32 = 2
        var description: String { line.hasPrefix("routertop: ") ? String(line.dropFirst(11)) : line }
    }

    /// Starts the router process with this command line and waits until its control socket answers;
    /// `socketNamed` when the command line names the control socket itself.
    static func launch(
        path: String, logPath: String, socketNamed: Bool, logFile: String?
    ) -> Result<pid_t, LaunchFailure> {
        do {
            _ = try LogSink.file(logPath)
        } catch {
            return .failure(LaunchFailure(line: "routertop: --log-file=\(logPath) cannot be written (\(error.localizedDescription)); it must be a writable file path"))
        }
        var arguments = Array(CommandLine.arguments.dropFirst()) + ["--headless"]
        if !socketNamed { arguments += ["--control", path] }
        if logFile == nil { arguments += ["--log-file", logPath] }
        let pid: pid_t
        switch RouterProcess.spawn(arguments: arguments, logPath: logPath) {
        case .failure(let error): return .failure(LaunchFailure(line: "routertop: " + error.message))
        case .success(let started): pid = started
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if ControlSocketGuard.occupant(of: path) == .live { return .success(pid) }
            if let status = RouterProcess.exitStatus(of: pid) {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                let reason = log.split(separator: "\n").last { $0.hasPrefix("routertop: ") }
                let line = reason.map(String.init) ?? "routertop: the router process ended with status \(status); see \(logPath)"
                return .failure(LaunchFailure(line: line, status: status == 0 ? 2 : status))
            }
            usleep(20_000)
        }
        return .failure(LaunchFailure(
            line: "routertop: the router process did not open its control socket \(path) within 15 s; see \(logPath)"))
    }

    private static func waitForEnd(of spawned: NIOLockedValueBox<SpawnedRouter?>, path: String, within limit: Duration) {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let exited = spawned.withLockedValue { $0?.hasExited() }
            if exited == true { return }
            if exited == nil, ControlSocketGuard.occupant(of: path) != .live { return }
            usleep(20_000)
        }
    }

    private static func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// The router process this dashboard started; once it has exited (reaped), it stays exited.
struct SpawnedRouter: Sendable {
    let pid: pid_t
    private var exited = false

    init(pid: pid_t) { self.pid = pid }

    mutating func hasExited() -> Bool {
        if !exited, RouterProcess.exitStatus(of: pid) != nil { exited = true }
        return exited
    }
}
