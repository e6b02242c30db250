import NIOCore
import NIOHTTP1
import NIOPosix

/// A small real HTTP replica for demos, tests and benchmarks (`routertop replica`).
///
/// It serves any path after its service time, answers the queue-length endpoint, refuses work
/// beyond its maximum with 503, and takes fault switches at `POST /-/fault/NAME`
/// (`slow-probe?ms=N`, `unavailable`, `drop`, `truncate`, `crash`, `recover`).
/// The whole server runs on one event loop.
public final class ReplicaServer: Sendable {
    public let localAddress: SocketAddress
    public let eventLoop: any EventLoop
    private let state: NIOLoopBound<ReplicaServerState>
    private let listener: any Channel

    /// The port it listens on.
    public var port: Int { localAddress.port ?? 0 }

    /// Completes when the server stopped listening (stopped or crashed).
    public var closeFuture: EventLoopFuture<Void> { listener.closeFuture }

    private init(localAddress: SocketAddress, eventLoop: any EventLoop,
                 state: NIOLoopBound<ReplicaServerState>, listener: any Channel) {
        self.localAddress = localAddress
        self.eventLoop = eventLoop
        self.state = state
        self.listener = listener
    }

    /// Binds and starts serving; port 0 picks a free port.
    public static func start(
        host: String, port: Int, configuration: ReplicaServerConfiguration, eventLoop: any EventLoop
    ) -> EventLoopFuture<ReplicaServer> {
        eventLoop.flatSubmit {
            let state = NIOLoopBound(ReplicaServerState(configuration: configuration), eventLoop: eventLoop)
            return ServerBootstrap(group: eventLoop)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(ReplicaServerHandler(state: state.value))
                    }
                }
                .bind(host: host, port: port)
                .map { channel in
                    state.value.listener = channel
                    return ReplicaServer(localAddress: channel.localAddress!, eventLoop: eventLoop,
                                         state: state, listener: channel)
                }
        }
    }

    /// Replaces the faults switched on.
    public func setFaults(_ faults: ReplicaServerFaults) -> EventLoopFuture<Void> {
        let state = self.state
        return eventLoop.submit { state.value.faults = faults }
    }

    /// Work requests in progress now.
    public func ongoing() -> EventLoopFuture<Int> {
        let state = self.state
        return eventLoop.submit { state.value.ongoing }
    }

    /// Work requests answered 200 so far.
    public func served() -> EventLoopFuture<Int> {
        let state = self.state
        return eventLoop.submit { state.value.served }
    }

    /// Work requests refused as full (503 with `x-replica-rejected`) so far.
    public func rejected() -> EventLoopFuture<Int> {
        let state = self.state
        return eventLoop.submit { state.value.rejected }
    }

    /// Queue-length probes answered so far.
    public func probesAnswered() -> EventLoopFuture<Int> {
        let state = self.state
        return eventLoop.submit { state.value.probes }
    }

    /// Closes the listener and every connection at once, requests in progress included.
    public func crash() -> EventLoopFuture<Void> {
        let state = self.state
        let listener = self.listener
        return eventLoop.submit { state.value.crash() }.flatMap { listener.closeFuture }
    }

    /// Stops listening and closes every connection.
    public func stop() -> EventLoopFuture<Void> { crash() }
}
