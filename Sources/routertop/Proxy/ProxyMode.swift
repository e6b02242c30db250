import Dashboard
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RouterEngine
import RouterControlServer
import RouterHTTP
import RouterRuntime

/// Runs routertop as an HTTP router: headless (a service), or with the live view.
///
/// With the live view, the router runs as a headless process of its own (started on demand, like
/// tmux's server) and the dashboard attaches to it, so closing the terminal, `^Z` or a crash of
/// the screen never stops routing.
enum ProxyMode {
    /// Starts the proxy and runs until SIGINT or SIGTERM; start-up errors exit 2 with one line.
    static func run(
        _ options: ProxyOptions, startup: Startup, display: DisplayOptions, control: ControlOptions,
        journal journalOptions: JournalOptions, logFile: String?, seed: UInt64?, legacyBackoff: Bool
    ) -> Never {
        var configuration: ProxyConfiguration
        switch options.configuration(settings: startup.router, legacyBackoff: legacyBackoff, seed: seed) {
        case .failure(let error): failStartup(error.message)
        case .success(let built): configuration = built
        }
        if let problem = DescriptorHeadroom.problem(limit: DescriptorHeadroom.currentLimit(),
                                                    eventLoops: configuration.eventLoops) {
            failStartup(problem)
        }
        if !options.headless {
            AttachedProxy.run(configuration: configuration, startup: startup, display: display, control: control,
                              logFile: logFile)
        }
        // Headless from here: first of all, so that a signal during start-up is neither lost nor
        // fatal (SIGHUP's default is to end the process); see `SignalRelay`.
        let stopRelay = SignalRelay()
        let signals = SignalWaiter { number in stopRelay.ask("signal \(number)") }
        let reloadRelay = SignalRelay()
        let hangups = HangupWaiter { reloadRelay.ask("SIGHUP") }
        // Headless logs to standard error unless told otherwise.
        let log: LogSink
        if let logFile {
            do {
                log = try LogSink.file(logFile)
            } catch {
                failStartup("--log-file=\(logFile) cannot be written (\(error.localizedDescription)); it must be a writable file path")
            }
        } else {
            log = .standardError
        }
        let environment = ProcessInfo.processInfo.environment
        let defaultName = configuration.listenPort != 0 ? String(configuration.listenPort) : "proxy-\(getpid())"
        if let path = control.control { log.nameRouter(socketPath: path) } else { log.nameRouter(control.name ?? defaultName) }
        bootstrapLogging(to: log)
        let logger = Logger(label: "routertop.proxy")
        let journal = JournalSetup.open(
            journalOptions, control: control, defaultName: defaultName, startup: configuration.settings,
            replicas: configuration.replicas.map(\.address.replicaName), environment: environment,
            logger: Logger(label: "routertop.journal"))
        configuration.settings = journal.settings
        if let resumed = journal.replicas { configuration.replicas = resumed.specs(startingFrom: configuration.replicas) }

        // The router lives on the first loop; client connections and their replica connections
        // are spread over all of them.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoops)
        let server: ProxyServer
        do {
            server = try ProxyServer.start(configuration, group: group,
                                           logger: Logger(label: "routertop.router"),
                                           snapshotInterval: .milliseconds(250))
        } catch {
            try? group.syncShutdownGracefully()
            failStartup(error.message)
        }
        // Listening on port 0, the router is named after the port it got (its control socket's default name).
        if control.control == nil, control.name == nil { log.nameRouter(String(server.port)) }
        let listen = ListenAddress(host: configuration.listenHost, port: server.port)
        for warning in configuration.startupWarnings { logger.warning("\(warning)") }
        logger.info("routertop proxy listening on \(listen)")
        logger.info("""
            limits: header timeout \(configuration.headerTimeout.secondsValue) s, idle timeout \
            \(configuration.idleTimeout.secondsValue) s, \(configuration.maxConnections) connections, \
            \(configuration.bodyBudgetBytes >> 20) MiB of request bodies, \(configuration.eventLoops) event \
            loop\(configuration.eventLoops == 1 ? "" : "s")
            """)

        let grace = configuration.requestTimeout ?? .seconds(30)
        let stopped = DispatchSemaphore(value: 0)
        let stopping = NIOLockedValueBox(false)
        let stop: @Sendable (String) -> Bool = { why in
            guard stopping.withLockedValue({ was in defer { was = true }; return !was }) else { return false }
            logger.info("\(why): finishing the requests in flight (up to \(grace.secondsValue) s)")
            server.shutdown(grace: grace).whenComplete { _ in stopped.signal() }
            return true
        }
        let metrics = RouterMetrics(version: RoutertopVersion.number)
        // Distributions come from each finished request's decision trace.
        // The journal is in place before the control API opens, so no change escapes it.
        _ = try? server.withRouter { router in
            router.traceSink = { metrics.observe($0) }
            journal.attach(to: router)
            // Drained live before the restart: they take no new requests now either.
            for name in journal.replicas?.drained ?? [] { try? router.drainReplica(ReplicaID(name)) }
        }.wait()
        let controlSetup = ControlSetup.start(
            control, control: server.live, defaultName: String(server.port),
            environment: environment, logger: Logger(label: "routertop.control"), metrics: metrics,
            stop: { origin in
                stop("stop asked by \(origin)") ? .done("stopping: finishing the requests in flight") : .refused("already stopping")
            },
            journal: journal.file
        )
        log.nameRouter(socketPath: controlSetup.server.socketPath)
        let statistics = HeadlessStatistics.start(live: server.live, on: group.next(), logger: logger)
        reloadRelay.run { _ in ReplicaReload.reread(options.replicaFile, server: server, logger: logger) }
        stopRelay.run { why in _ = stop(why) }
        // Last: until now clients waited in the backlog, and could not take the descriptors start-up needed.
        server.openFrontDoor()
        stopped.wait()
        statistics.cancel()
        withExtendedLifetime((signals, hangups)) {}
        if let totals = try? server.totals().wait(), let tally = try? server.tally().wait(),
           let figures = try? server.figures().wait() {
            let failed = totals.failed.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
            logger.info("""
                stopped: admitted=\(totals.admitted) completed=\(totals.completed) failed=[\(failed.joined(separator: " "))] \
                pending=\(totals.pending) running=\(totals.running) conserved=\(totals.isConserved) \
                client_answers=\(tally.answered) refused_connections=\(figures.refusedConnections) \
                accept_pauses=\(figures.acceptPauses) \
                header_timeouts=\(figures.headerTimeouts) idle_timeouts=\(figures.idleTimeouts) \
                body_budget_refusals=\(figures.bodyBudgetRefusals) bad_requests=\(figures.malformedRequests) \
                connect_refusals=\(figures.connectRefusals)
                """)
        }
        controlSetup.stop()
        try? group.syncShutdownGracefully()
        exit(0)
    }
}
