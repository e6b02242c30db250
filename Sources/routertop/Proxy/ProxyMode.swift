import Dashboard
import Foundation
import Logging
import NIOCore
import NIOPosix
import RouterEngine
import RouterHTTP
import RouterRuntime

/// Runs routertop as an HTTP router: headless (a service), or with the live view.
enum ProxyMode {
    /// Starts the proxy and runs until SIGINT or SIGTERM; start-up errors exit 2 with one line.
    static func run(
        _ options: ProxyOptions, startup: StartupConfiguration, display: DisplayOptions, control: ControlOptions,
        logFile: String?,
        seed: UInt64?, legacyBackoff: Bool
    ) -> Never {
        let configuration: ProxyConfiguration
        switch options.configuration(settings: startup.router, legacyBackoff: legacyBackoff, seed: seed) {
        case .failure(let error): failStartup(error.message)
        case .success(let built): configuration = built
        }
        // Headless logs to standard error unless told otherwise; with a screen, never to the terminal.
        let logPath = logFile ?? (options.headless ? nil : defaultLogPath(environment: ProcessInfo.processInfo.environment))
        if let logPath {
            do {
                bootstrapLogging(to: try LogSink.file(logPath))
            } catch {
                failStartup("--log-file=\(logPath) cannot be written (\(error.localizedDescription)); it must be a writable file path")
            }
        } else {
            bootstrapLogging(to: .standardError)
        }
        let logger = Logger(label: "routertop.proxy")

        // One thread: the router, the client connections and the replica connections share one loop.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server: ProxyServer
        do {
            server = try ProxyServer.start(configuration, eventLoop: group.next(),
                                           logger: Logger(label: "routertop.router"),
                                           snapshotInterval: options.headless ? .seconds(1) : .milliseconds(100))
        } catch {
            try? group.syncShutdownGracefully()
            failStartup(error.message)
        }
        logger.info("routertop proxy listening on \(ListenAddress(host: configuration.listenHost, port: server.port))")
        let controlSetup = ControlSetup.start(control, control: server.live, defaultName: String(server.port),
                                              environment: ProcessInfo.processInfo.environment,
                                              logger: Logger(label: "routertop.control"))

        let grace = configuration.requestTimeout ?? .seconds(30)
        var status: Int32 = 0
        if options.headless {
            let stopped = DispatchSemaphore(value: 0)
            let signals = SignalWaiter { number in
                logger.info("signal \(number): finishing the requests in flight (up to \(grace.secondsValue) s)")
                server.shutdown(grace: grace).whenComplete { _ in stopped.signal() }
            }
            stopped.wait()
            withExtendedLifetime(signals) {}
        } else {
            // The dashboard owns the terminal and the stop signals; the proxy stops after it closes.
            var dashboard = DashboardConfiguration(refreshMilliseconds: startup.refreshMilliseconds)
            dashboard.readOnly = startup.readOnly
            dashboard.ascii = display.ascii
            status = TerminalDashboard.run(control: server.live, configuration: dashboard, themeName: startup.theme)
            logger.info("dashboard closed: finishing the requests in flight (up to \(grace.secondsValue) s)")
            try? server.shutdown(grace: grace).wait()
        }
        if let totals = try? server.totals().wait(), let tally = try? server.tally().wait() {
            let failed = totals.failed.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
            logger.info("""
                stopped: admitted=\(totals.admitted) completed=\(totals.completed) failed=[\(failed.joined(separator: " "))] \
                pending=\(totals.pending) running=\(totals.running) conserved=\(totals.isConserved) \
                client_answers=\(tally.answered)
                """)
        }
        controlSetup.stop()
        try? group.syncShutdownGracefully()
        exit(status)
    }
}
