import ArgumentParser
import Dashboard
import Foundation
import Logging
import NIOCore
import NIOPosix
import RouterEngine
import RouterSimulation
import RouterControlServer
import RouterRuntime

/// routertop: a live view of a power-of-two-choices request router.
@main
struct RoutertopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routertop",
        abstract: "Watch and tune a power-of-two-choices request router, live.",
        discussion: """
            With no arguments, routertop runs a simulated fleet and shows it live. Settings come from \
            Ray Serve's environment variables; a flag wins over its variable. The options of that default \
            command (router settings, display, proxy mode, control API) are listed by `routertop watch --help`.
            """,
        version: RoutertopVersion.text,
        subcommands: [
            WatchCommand.self, SimulateCommand.self, ReplicaCommand.self, AttachCommand.self, ListCommand.self,
            FleetCommand.self, RolloutCommand.self,
            JournalCommand.self,
        ],
        defaultSubcommand: WatchCommand.self
    )

    /// A command line that does not parse (an unknown option, a missing value) stops with exit
    /// status 2 and one line, as every other refusal at start does; ArgumentParser alone would exit
    /// 64 with its usage text. `--help` and `--version` print as ArgumentParser prints them.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            failStartup(message(for: error))
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// `routertop watch` (the default): runs the router and shows it live.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run the router (a simulated fleet unless told otherwise) and show it live (the default)."
    )

    @OptionGroup var settings: SettingOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup(title: "Proxy mode (real HTTP traffic)") var proxy: ProxyOptions
    @OptionGroup(title: "Control API") var controlOptions: ControlOptions
    @OptionGroup(title: "Change journal") var journalOptions: JournalOptions

    @Option(help: "Seed of the simulated fleet's randomness (default: random).")
    var seed: UInt64?

    @Flag(help: "Sleep before the first retry too (the legacy policy, for comparison only).")
    var legacyBackoff = false

    @Option(help: "Where to write the log (default: $XDG_STATE_HOME/routertop/routertop.log).")
    var logFile: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let startup = display.startup(router: settings.texts, environment: environment)
        if proxy.isRequested {
            ProxyMode.run(proxy, startup: startup, display: display, control: controlOptions, journal: journalOptions,
                          logFile: logFile, seed: seed, legacyBackoff: legacyBackoff)
        }
        // Refused before anything starts: a start that cannot show anything leaves no log, journal or socket.
        do {
            _ = try Theme.load(startup.display.theme, searchDirectories: ThemeDirectories.searchDirectories())
        } catch {
            failStartup("\(error)")
        }
        TerminalCheck.requireTerminal()
        let logPath = logFile ?? defaultLogPath(environment: environment)
        let log: LogSink
        do {
            log = try LogSink.file(logPath)
        } catch {
            failStartup("--log-file=\(logPath) cannot be written (\(error.localizedDescription)); it must be a writable file path")
        }
        log.nameRouter(controlOptions.name ?? "default")
        bootstrapLogging(to: log)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        let options = Router.Options(legacyBackoff: legacyBackoff)
        let journal = JournalSetup.open(
            journalOptions, control: controlOptions, defaultName: "default", startup: startup.router, environment: environment, logger: Logger(label: "routertop.journal"))
        let routerSettings = journal.settings
        let live = try LiveRouter(eventLoop: group.next(), virtualTimeTick: .milliseconds(10)) { scheduler in
            let host = SimulationHost(
                fleet: .standard, settings: routerSettings, options: options,
                scheduler: scheduler, seed: seed, logger: Logger(label: "routertop.router"), recording: .standard
            )
            journal.attach(to: host.router)
            host.start()
            return host
        }
        defer {
            live.stop()
            // Stop the loop while the router is still referenced: its timers hold unowned references to it.
            withExtendedLifetime(live) { try? group.syncShutdownGracefully() }
        }
        let metrics = RouterMetrics(version: RoutertopVersion.number)
        _ = live.withHost { host in (host as? SimulationHost)?.router.traceSink = { metrics.observe($0) } }
        let control = ControlSetup.start(controlOptions, control: live, defaultName: "default", environment: environment,
                                         logger: Logger(label: "routertop.control"), metrics: metrics,
                                         journal: journal.file)
        log.nameRouter(socketPath: control.server.socketPath)
        defer { control.stop() }
        var dashboard = DashboardConfiguration(refreshMilliseconds: startup.display.refreshMilliseconds)
        dashboard.exportDirectory = defaultExportDirectory(environment: ProcessInfo.processInfo.environment)
        dashboard.readOnly = startup.display.readOnly
        dashboard.ascii = display.ascii
        dashboard.utcClock = display.utc
        let status = TerminalDashboard.run(control: JournaledControl(live, journal: journal.file), configuration: dashboard,
                                           themeName: startup.display.theme)
        if status != 0 { throw ExitCode(status) }
    }
}
