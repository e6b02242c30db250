import ArgumentParser
import Dashboard
import Foundation
import NIOPosix
import RouterAttach

/// `routertop fleet`: every router at once, one screen; Enter opens one, `e` rolls a change out.
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Show many routers on one screen: routers, replicas merged over them, one event log; e rolls a change out."
    )

    @Argument(help: ArgumentHelp(
        "Routers: NAMEs, socket PATHs or http://HOST:PORT (default: every router `routertop list` finds, joining as they appear).",
        valueName: "target"))
    var targets: [String] = []

    @Option(name: .customLong("select"), help: ArgumentHelp("Show only routers whose name, kind or group matches this glob.",
                                                            valueName: "glob"))
    var select: String?

    @OptionGroup var access: FleetTargetOptions
    @OptionGroup var display: DisplayOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let startup = display.startup(environment: environment)
        let fixed = targets.isEmpty ? nil : FleetTargets.resolve(targets, environment: environment)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let token = access.token(environment: environment)
        let access = self.access
        let source = FleetSource(
            roster: fixed.map { .fixed($0) } ?? .discovered { FleetTargets.sockets(environment: environment) },
            intervalMilliseconds: startup.display.refreshMilliseconds,
            makeClient: { access.client(for: $0, group: group, token: token) }
        )
        defer { source.stop() }
        var dashboard = DashboardConfiguration(refreshMilliseconds: startup.display.refreshMilliseconds)
        dashboard.exportDirectory = defaultExportDirectory(environment: environment)
        dashboard.readOnly = startup.display.readOnly
        dashboard.ascii = display.ascii
        let status = FleetTerminal.run(
            source: source, select: select, configuration: dashboard, themeName: startup.display.theme, group: group,
            token: token, makeClient: { access.client(for: $0, group: group, token: token) }
        )
        if status != 0 { throw ExitCode(status) }
    }
}
