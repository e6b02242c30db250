import Dashboard
import Foundation
import NIOPosix
import RouterAttach
import RouterControlServer
import RouterEngine
import RouterHTTP

/// Proxy mode with the dashboard: the router runs as a headless process of its own, started on
/// demand, and this process only draws it through the control API.
enum AttachedProxy {
    static func run(
        configuration: ProxyConfiguration, startup: StartupConfiguration, display: DisplayOptions,
        control: ControlOptions, logFile: String?
    ) -> Never {
        let environment = ProcessInfo.processInfo.environment
        // Checked before the router starts, so a start that cannot show anything starts nothing.
        if let problem = TerminalCheck.problem() { failStartup(problem) }
        do {
            _ = try Theme.load(startup.theme, searchDirectories: ThemeDirectories.searchDirectories())
        } catch {
            failStartup("\(error)")
        }
        let name = configuration.listenPort != 0 ? String(configuration.listenPort) : "proxy-\(getpid())"
        let path = ControlSetup.socketPath(control, defaultName: name, environment: environment)
        let logPath = logFile ?? defaultLogPath(environment: environment)
        var spawned: pid_t?
        if ControlSocketGuard.occupant(of: path) != .live {
            spawned = start(path: path, logPath: logPath, control: control, logFile: logFile)
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let origin = OperatorOrigin.from(environment: environment)
        let remote: RemoteRouter
        do {
            remote = try RemoteRouter.attach(to: .unixSocket(path: path), group: group,
                                             intervalMilliseconds: startup.refreshMilliseconds,
                                             claimedAddress: origin.address, readOnly: startup.readOnly)
        } catch {
            failStartup(error.description)
        }
        var dashboard = DashboardConfiguration(refreshMilliseconds: startup.refreshMilliseconds)
        dashboard.exportDirectory = defaultExportDirectory(environment: ProcessInfo.processInfo.environment)
        dashboard.readOnly = startup.readOnly
        dashboard.ascii = display.ascii
        var stoppedRouter = false
        let status = TerminalDashboard.run(control: remote, configuration: dashboard, themeName: startup.theme) {
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
        }
        exit(status)
    }

    /// Starts the router process and waits until its control socket answers; a router that ends
    /// first has its one-line reason relayed, with its exit status.
    private static func start(path: String, logPath: String, control: ControlOptions, logFile: String?) -> pid_t {
        do {
            _ = try LogSink.file(logPath)
        } catch {
            failStartup("--log-file=\(logPath) cannot be written (\(error.localizedDescription)); it must be a writable file path")
        }
        var arguments = Array(CommandLine.arguments.dropFirst()) + ["--headless"]
        if control.control == nil { arguments += ["--control", path] }
        if logFile == nil { arguments += ["--log-file", logPath] }
        let pid: pid_t
        switch RouterProcess.spawn(arguments: arguments, logPath: logPath) {
        case .failure(let error): failStartup(error.message)
        case .success(let started): pid = started
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if ControlSocketGuard.occupant(of: path) == .live { return pid }
            if let status = RouterProcess.exitStatus(of: pid) {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                let reason = log.split(separator: "\n").last { $0.hasPrefix("routertop: ") }
                printLine(reason.map(String.init) ?? "routertop: the router process ended with status \(status); see \(logPath)")
                exit(status == 0 ? 2 : status)
            }
            usleep(20_000)
        }
        failStartup("the router process did not open its control socket \(path) within 15 s; see \(logPath)")
    }

    private static func waitForEnd(of pid: pid_t?, path: String, within limit: Duration) {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let pid, RouterProcess.exitStatus(of: pid) != nil { return }
            if pid == nil, ControlSocketGuard.occupant(of: path) != .live { return }
            usleep(20_000)
        }
    }

    private static func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
