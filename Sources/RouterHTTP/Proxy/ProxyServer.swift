import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RouterEngine
import RouterRuntime

/// The HTTP router: the front door, the router and its HTTP replicas, all on one event loop.
///
/// `live` is what the dashboard talks to. Start it from outside the loop (start-up waits).
public final class ProxyServer: Sendable {
    /// The running router, for the dashboard: snapshots out, commands in.
    public let live: LiveRouter
    /// Where the front door listens (the real port when 0 was asked for).
    public let localAddress: SocketAddress
    public let eventLoop: any EventLoop
    private let listener: any Channel
    private let host: NIOLoopBound<ProxyHost>

    private init(live: LiveRouter, localAddress: SocketAddress, eventLoop: any EventLoop,
                 listener: any Channel, host: NIOLoopBound<ProxyHost>) {
        self.live = live
        self.localAddress = localAddress
        self.eventLoop = eventLoop
        self.listener = listener
        self.host = host
    }

    /// The port the front door listens on.
    public var port: Int { localAddress.port ?? 0 }

    /// Resolves the replicas, starts the router and binds the front door.
    ///
    /// - Throws: `ProxyStartupError` naming the bad input (an unresolvable host, a duplicate
    ///   replica, a port in use).
    /// - Parameter snapshotInterval: how often the dashboard's snapshot is published (taken on the
    ///   router's loop, so a service with no screen can take it rarely).
    public static func start(
        _ configuration: ProxyConfiguration, eventLoop: any EventLoop,
        logger: Logger = Logger(label: "routertop.proxy"), snapshotInterval: Duration = .milliseconds(100)
    ) throws(ProxyStartupError) -> ProxyServer {
        var seen: Set<ReplicaAddress> = []
        var resolved: [(ReplicaSpec, SocketAddress)] = []
        for spec in configuration.replicas {
            guard seen.insert(spec.address).inserted else {
                throw ProxyStartupError("replica \(spec.address) is given twice")
            }
            do {
                resolved.append((spec, try SocketAddress.makeAddressResolvingHost(spec.address.host,
                                                                                port: spec.address.port)))
            } catch {
                throw ProxyStartupError("replica \(spec.address): cannot resolve host \"\(spec.address.host)\"")
            }
        }
        let made: LiveRouter
        do {
            let resolvedReplicas = resolved
            made = try LiveRouter(eventLoop: eventLoop, publishEvery: snapshotInterval) { scheduler in
                // Replicas were checked for duplicates above, so adding them cannot fail.
                try! ProxyHost(configuration: configuration, resolved: resolvedReplicas, scheduler: scheduler,
                               logger: logger)
            }
        } catch {
            throw ProxyStartupError("the router did not start: \(error)")
        }
        let live = made
        let host: NIOLoopBound<ProxyHost>
        let listener: any Channel
        do {
            host = try live.withHost { NIOLoopBound($0 as! ProxyHost, eventLoop: eventLoop) }.wait()
            listener = try ServerBootstrap(group: eventLoop)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // At the limit the connection is closed at once (and counted), before any byte is read.
                        guard host.value.frontDoor.acceptsConnection() else { throw ConnectionRefused() }
                        // Pipelined requests and parse errors are handled by the front door handler itself.
                        // The front door frames answers itself, so codings like `gzip, chunked` survive.
                        var encoder = HTTPResponseEncoder.Configuration()
                        encoder.automaticallySetFramingHeaders = false
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: false, withErrorHandling: false,
                            withOutboundHeaderValidation: false, withEncoderConfiguration: encoder)
                        try channel.pipeline.syncOperations.addHandler(FrontDoorHandler(door: host.value.frontDoor))
                    }
                }
                .bind(host: configuration.listenHost, port: configuration.listenPort)
                .wait()
        } catch {
            live.stop()
            throw ProxyStartupError("--listen \(configuration.listenDescription): \(Self.bindProblem(error))")
        }
        return ProxyServer(live: live, localAddress: listener.localAddress!, eventLoop: eventLoop,
                           listener: listener, host: host)
    }

    /// The front door's limits and counters.
    public func figures() -> EventLoopFuture<ProxyFigures> {
        let host = self.host
        return eventLoop.submit { host.value.frontDoor.figures }
    }

    /// What the clients saw so far.
    public func tally() -> EventLoopFuture<ClientTally> {
        let host = self.host
        return eventLoop.submit { host.value.tally }
    }

    /// The router's request counters.
    public func totals() -> EventLoopFuture<RequestTotals> {
        let host = self.host
        return eventLoop.submit { host.value.router.totals }
    }

    /// Runs `body` on the loop with the router (tests and wiring).
    public func withRouter<T: Sendable>(_ body: @escaping @Sendable (Router) -> T) -> EventLoopFuture<T> {
        let host = self.host
        return eventLoop.submit { body(host.value.router) }
    }

    /// Stops taking connections, lets the requests in flight finish for up to `grace`, then closes
    /// every connection (requests still running fail as cancelled) and shuts the router down.
    public func shutdown(grace: Duration = .seconds(10)) -> EventLoopFuture<Void> {
        let host = self.host
        let live = self.live
        let eventLoop = self.eventLoop
        let deadline = NIODeadline.now() + .nanoseconds(grace.nanosecondsClampedForNIO)
        let drained = eventLoop.makePromise(of: Void.self)
        listener.close().whenComplete { _ in
            host.value.frontDoor.draining = true
            host.value.frontDoor.closeIdleConnections()
            @Sendable func poll() {
                let totals = host.value.router.totals
                if totals.pending + totals.running == 0 || NIODeadline.now() >= deadline {
                    drained.succeed()
                } else {
                    eventLoop.scheduleTask(in: .milliseconds(10)) { poll() }
                }
            }
            poll()
        }
        return drained.futureResult.map {
            host.value.frontDoor.closeAllConnections()
            // Here rather than in `live.stop()`, which runs later: the router is shut down when the future completes.
            host.value.shutdown()
            live.stop()
        }
    }

    private static func bindProblem(_ error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE: return "the address is already in use"
            case EACCES: return "permission denied"
            case EADDRNOTAVAIL: return "the address is not available on this machine"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}

/// A connection accepted over the connection limit; NIO closes it.
private struct ConnectionRefused: Error {}
