import NIOCore
import NIOHTTP1
import NIOPosix

/// Keep-alive connections to one replica, all on one event loop (the router's, or a lane's).
final class UpstreamPool {
    let address: SocketAddress
    let eventLoop: any EventLoop
    private var idle: [UpstreamConnection] = []
    private let maxIdle: Int
    private let connectTimeout: TimeAmount

    init(address: SocketAddress, eventLoop: any EventLoop, maxIdle: Int = 1024,
         connectTimeout: TimeAmount = .seconds(2)) {
        self.address = address
        self.eventLoop = eventLoop
        self.maxIdle = maxIdle
        self.connectTimeout = connectTimeout
    }

    /// Hands over an idle connection, or opens one; `done` runs on the loop, possibly at once.
    func acquire(_ done: @escaping (Result<UpstreamConnection, any Error>) -> Void) {
        if let connection = takeIdle() {
            done(.success(connection))
            return
        }
        connect(done)
    }

    /// An idle open connection, if there is one: the hot path, with no closure to allocate.
    func takeIdle() -> UpstreamConnection? {
        while let connection = idle.popLast() {
            if connection.isOpen { return connection }
        }
        return nil
    }

    /// Opens a new connection; `done` runs on the loop once it is connected or failed.
    func connect(_ done: @escaping (Result<UpstreamConnection, any Error>) -> Void) {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The connection writes bytes and frames bodies itself, so codings like
                    // `gzip, chunked` survive, and reads the answers' bytes itself.
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(allocator: channel.allocator))
                }
            }
            .connect(to: address)
            .assumeIsolated()
            .whenComplete { [weak self] result in
                switch result {
                case .failure(let error):
                    done(.failure(error))
                case .success(let channel):
                    do {
                        let connection = try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)
                        connection.pool = self
                        done(.success(connection))
                    } catch {
                        channel.close(promise: nil)
                        done(.failure(error))
                    }
                }
            }
    }

    /// Takes a connection back after a complete exchange.
    func release(_ connection: UpstreamConnection) {
        connection.receiver = nil
        guard connection.isOpen, connection.reusable, idle.count < maxIdle else {
            connection.close()
            return
        }
        idle.append(connection)
    }

    /// Drops a connection that closed.
    func forget(_ connection: UpstreamConnection) {
        if let index = idle.firstIndex(where: { $0 === connection }) {
            idle.remove(at: index)
        }
    }

    /// Closes every idle connection.
    func closeIdle() {
        let connections = idle
        idle.removeAll()
        for connection in connections { connection.close() }
    }
}
