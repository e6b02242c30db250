import ArgumentParser
import Dashboard
import Foundation
import NIOPosix
import RouterEngine
import RouterAttach

/// `routertop attach`: the dashboard for a router running in another process.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Show and drive a running router through its control API (a name, a socket path or an http:// URL).",
        discussion: """
            Token: over http:// (a router started with --admin-listen), reads from a loopback address need \
            no token, and everything else needs one. Pass it in the environment: \
            ROUTERTOP_ADMIN_TOKEN=TOKEN routertop attach http://HOST:PORT (a token from the router's \
            --admin-token-file or its own ROUTERTOP_ADMIN_TOKEN). A router's Unix socket needs no token.
            """
    )

    @Argument(help: ArgumentHelp("The router: a NAME from `routertop list`, a socket PATH, or http://HOST:PORT (default: the one router running; with none or several, says so and exits 2).",
                                 valueName: "router"))
    var router: String?

    @OptionGroup var display: DisplayOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let startup = display.startup(environment: environment)
        let target: AttachTarget
        let resolved = router.flatMap { $0.isEmpty ? nil : $0 }.map { AttachTarget.resolve($0, environment: environment) }
            ?? RunningRouterChoice.only(environment: environment)
        switch resolved {
        case .failure(let error): failStartup(error.description)
        case .success(let resolved): target = resolved
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let origin = OperatorOrigin.from(environment: environment)
        let remote: RemoteRouter
        do {
            remote = try RemoteRouter.attach(
                to: target, group: group, intervalMilliseconds: startup.display.refreshMilliseconds,
                claimedAddress: origin.address, readOnly: startup.display.readOnly,
                token: environment["ROUTERTOP_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            )
        } catch {
            failStartup(error.description)
        }
        defer { remote.stop() }
        var dashboard = DashboardConfiguration(refreshMilliseconds: startup.display.refreshMilliseconds)
        dashboard.exportDirectory = defaultExportDirectory(environment: ProcessInfo.processInfo.environment)
        dashboard.readOnly = startup.display.readOnly
        dashboard.ascii = display.ascii
        dashboard.utcClock = display.utc
        let status = TerminalDashboard.run(control: ReplayingControl(remote), configuration: dashboard,
                                                themeName: startup.display.theme)
        if status != 0 { throw ExitCode(status) }
    }
}
