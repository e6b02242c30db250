import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import RouterAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The control API of one live router: HTTP/1.1 with JSON on a Unix socket, and optionally on TCP.
///
/// Runs on its own event loop, so encoding snapshots for clients never slows routing.
public final class ControlServer: Sendable {
    /// The Unix socket's path.
    public let socketPath: String
    /// The TCP address, when `--admin-listen` was given (the real port when 0 was asked for).
    public let adminAddress: SocketAddress?
    private let channels: [any Channel]
    private let budgets: [ConnectionBudget]
    /// The socket file's inode once bound: at stop, a file another router put there since is left alone.
    private let socketInode: ino_t?
    /// The socket's lock, held from before binding until the server stops.
    private let lock: NIOLockedValueBox<PidLock?>

    private init(
        socketPath: String, adminAddress: SocketAddress?, channels: [any Channel], budgets: [ConnectionBudget],
        socketInode: ino_t?, lock: PidLock
    ) {
        self.lock = NIOLockedValueBox(lock)
        self.socketPath = socketPath
        self.adminAddress = adminAddress
        self.channels = channels
        self.budgets = budgets
        self.socketInode = socketInode
    }

    private static func inode(of path: String) -> ino_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_ino : nil
    }

    /// Where the TCP listener binds, and the tokens that allow writes on it.
    public struct AdminListener: Sendable {
        public var host: String
        public var port: Int
        public var tokens: AdminTokens?

        public init(host: String, port: Int, tokens: AdminTokens?) {
            self.host = host
            self.port = port
            self.tokens = tokens
        }

        /// True for 127.0.0.0/8, ::1 and `localhost`.
        public var isLoopback: Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    /// Binds the socket (after `ControlSocketGuard.prepare`) and the TCP listener, if any.
    public static func start(
        service: ControlService, socketPath: String, admin: AdminListener?, group: any EventLoopGroup,
        limits: ControlLimits = .standard
    ) -> Result<ControlServer, ControlStartupError> {
        let lock: PidLock
        switch ControlSocketGuard.prepare(path: socketPath) {
        case .failure(let problem): return .failure(problem)
        case .success(let taken): lock = taken
        }
        service.control.name(socketPath: socketPath)
        let metrics = service.metrics
        // One budget per listener: TCP clients can fill theirs, never the Unix socket's.
        let unixBudget = ConnectionBudget(limit: limits.connectionsPerListener, onRefusal: {
            metrics?.connectionRefused(on: .unixSocket)
        })
        let tcpBudget = ConnectionBudget(limit: limits.connectionsPerListener, onRefusal: {
            metrics?.connectionRefused(on: .tcp)
        })
        var channels: [any Channel] = []
        var bound: ino_t?
        do {
            // The socket is created 0600, not made so afterwards: no moment when others may connect.
            // umask is the process's; this runs at start-up, before anything else creates files.
            let previousMask = umask(0o177)
            let binding = Result {
                try bootstrap(service: service, listener: .unixSocket, group: group, budget: unixBudget,
                              limits: limits)
                    .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: false).wait()
            }
            umask(previousMask)
            let unix = try binding.get()
            channels.append(unix)
            bound = inode(of: socketPath)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            return .failure(ControlStartupError("another router bound the control socket \(socketPath) first", isTaken: true))
        } catch {
            return .failure(ControlStartupError("the control socket \(socketPath) cannot be bound (\(error))"))
        }
        var adminAddress: SocketAddress?
        if let admin {
            do {
                let tcp = try bootstrap(service: service, listener: .tcp(tokens: admin.tokens), group: group,
                                       budget: tcpBudget, limits: limits)
                    .bind(host: admin.host, port: admin.port).wait()
                channels.append(tcp)
                adminAddress = tcp.localAddress
            } catch {
                channels.forEach { $0.close(promise: nil) }
                unlink(socketPath)
                return .failure(ControlStartupError("--admin-listen=\(admin.host):\(admin.port) cannot be bound (\(error))"))
            }
        }
        return .success(ControlServer(socketPath: socketPath, adminAddress: adminAddress, channels: channels,
                                      budgets: [unixBudget, tcpBudget], socketInode: bound, lock: lock))
    }

    /// Closes the listeners and every connection, and removes the socket file.
    public func stop() {
        for channel in channels { try? channel.close().wait() }
        budgets.forEach { $0.closeAll() }
        if let socketInode, Self.inode(of: socketPath) == socketInode { unlink(socketPath) }
        lock.withLockedValue { $0 = nil }
    }

    private static func bootstrap(
        service: ControlService, listener: ControlHTTPHandler.Listener, group: any EventLoopGroup,
        budget: ConnectionBudget, limits: ControlLimits
    ) -> ServerBootstrap {
        let metrics = service.metrics
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // One snapshot waits at most: the streamer skips a tick while the channel is not writable.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            .childChannelInitializer { channel in
                let timer = ControlConnectionTimer(limits: limits) { metrics?.connectionClosed($0) }
                guard budget.take(channel) else {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(timer)
                        try channel.pipeline.syncOperations.addHandler(OverLimitHandler(limit: budget.limit))
                    }
                }
                channel.closeFuture.whenComplete { _ in budget.release(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(timer)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        ControlHTTPHandler(service: service, listener: listener, timer: timer))
                }
            }
    }
}
