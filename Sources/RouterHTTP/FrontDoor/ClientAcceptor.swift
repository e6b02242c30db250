import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The front door's listening socket and the thread that accepts its clients, handing each to the
/// loop `LoopConnections` picks.
///
/// Accepted by hand because NIO's `ServerBootstrap` deals connections to its loops round robin and
/// cannot be told otherwise; that made the router's loop, which also routes every request, the
/// busiest. The thread blocks in `accept`; `close` shuts the socket down, which wakes it.
///
/// Binding and accepting are two steps, so that the port is known (and taken) at once while no
/// client is accepted before the rest of start-up has opened its descriptors: clients that come
/// meanwhile wait in the listen backlog.
final class ClientAcceptor: Sendable {
    /// Where it listens (the real port when 0 was asked for).
    let localAddress: SocketAddress
    private let socket: CInt
    private let loops: LoopConnections
    /// Where its pauses at a limit are counted.
    private let counters: SharedDoorCounters
    /// Sets an accepted socket up as a channel on the loop `loops` picked (by its index).
    typealias HandOver = @Sendable (_ loop: Int, _ socket: NIOBSDSocket.Handle) -> EventLoopFuture<any Channel>
    private let handOver: HandOver
    private let logger: Logger
    private let closing = Atomic<Bool>(false)
    /// Set by the first of `open` and `close`; whichever sets it decides whether the thread runs.
    private let opened = Atomic<Bool>(false)
    private let thread = NIOThreadPool(numberOfThreads: 1)
    /// Completed once the accepting thread has returned (or, closed before it was opened, at once).
    private let stopped: EventLoopPromise<Void>

    /// NIO's accept back-off at a descriptor or memory limit, and ours after any failed accept: the
    /// waiting clients stay in the backlog meanwhile.
    private static let pauseAtLimit: Duration = .seconds(1)

    /// Binds and listens; `open` starts accepting.
    ///
    /// - Parameter eventLoop: where `close`'s future completes.
    /// - Throws: the resolver's error, or an `IOError` with the errno of the call that failed.
    init(host: String, port: Int, backlog: CInt, loops: LoopConnections, counters: SharedDoorCounters,
         eventLoop: any EventLoop, logger: Logger, handOver: @escaping HandOver) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        socket = try Self.listeningSocket(at: address, backlog: backlog)
        do {
            localAddress = try Self.boundAddress(of: socket)
        } catch {
            Glibc.close(socket)
            throw error
        }
        self.loops = loops
        self.counters = counters
        self.handOver = handOver
        self.logger = logger
        stopped = eventLoop.makePromise()
    }

    /// Starts accepting clients, on a thread of its own. Does nothing once closed, or a second time.
    func open() {
        guard !closing.load(ordering: .acquiring), !opened.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.start()
        thread.runIfActive(eventLoop: stopped.futureResult.eventLoop) { self.acceptUntilClosed() }.cascade(to: stopped)
    }

    /// Stops accepting, then closes the socket and ends the thread. Connections already handed to a
    /// loop stay open. A second call returns once the thread has stopped.
    func close() -> EventLoopFuture<Void> {
        guard !closing.exchange(true, ordering: .acquiringAndReleasing) else { return stopped.futureResult }
        // Wakes the blocked accept (it fails with EINVAL); the descriptor stays ours until closed below.
        Glibc.shutdown(socket, CInt(SHUT_RDWR))
        // Never opened, and now it never will be: no thread to wait for.
        if !opened.exchange(true, ordering: .acquiringAndReleasing) { stopped.succeed() }
        let socket = self.socket
        let thread = self.thread
        return stopped.futureResult.flatMap {
            Glibc.close(socket)
            let gone = self.stopped.futureResult.eventLoop.makePromise(of: Void.self)
            thread.shutdownGracefully { _ in gone.succeed() }
            return gone.futureResult
        }
    }

    private func acceptUntilClosed() {
        while true {
            let client = accept(socket, nil, nil)
            let failure = errno
            if closing.load(ordering: .acquiring) {
                if client >= 0 { Glibc.close(client) }
                return
            }
            if client >= 0 {
                // accept4 is not in Glibc's Swift module; NIO makes the socket non-blocking itself.
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                hand(client)
                continue
            }
            switch failure {
            case EINTR, ECONNABORTED, EPROTO, EPERM:
                // That client is gone (or a firewall rule refused it); the next may come.
                continue
            default:
                // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), mostly. Anything
                // else is paused on too, not given up on: a front door that stopped for good would
                // leave a router running that no client reaches, and each pause is counted and shown.
                counters.acceptPauses.add(1, ordering: .relaxed)
                logger.warning("front door: cannot accept a connection: \(Self.describe(failure)); trying again in \(Self.pauseAtLimit)")
                pause(Self.pauseAtLimit)
            }
        }
    }

    private static func describe(_ failure: CInt) -> String {
        "\(String(cString: strerror(failure))) (errno \(failure))"
    }

    /// Sleeps in short steps so that closing is not held up by the pause.
    private func pause(_ duration: Duration) {
        let step: Duration = .milliseconds(50)
        var left = duration
        while left > .zero, !closing.load(ordering: .acquiring) {
            var time = timespec(tv_sec: 0, tv_nsec: Int(step.components.attoseconds / 1_000_000_000))
            nanosleep(&time, nil)
            left -= step
        }
    }

    private func hand(_ client: CInt) {
        let loops = self.loops
        let loop = loops.take()
        handOver(loop, client).whenComplete { result in
            switch result {
            case .success(let channel): channel.closeFuture.whenComplete { _ in loops.giveBack(loop) }
            // Refused at the connection limit or not set up: NIO has closed it.
            case .failure: loops.giveBack(loop)
            }
        }
    }

    private static func listeningSocket(at address: SocketAddress, backlog: CInt) throws -> CInt {
        let socket = Glibc.socket(CInt(address.protocol.rawValue), CInt(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var reuse: CInt = 1
        var result = setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<CInt>.size))
        var call = "setsockopt"
        if result == 0 {
            result = address.withSockAddr { Glibc.bind(socket, $0, socklen_t($1)) }
            call = "bind"
        }
        if result == 0 {
            result = Glibc.listen(socket, backlog)
            call = "listen"
        }
        guard result == 0 else {
            let failure = errno
            Glibc.close(socket)
            throw IOError(errnoCode: failure, reason: call)
        }
        return socket
    }

    private static func boundAddress(of socket: CInt) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        return try withUnsafeBytes(of: storage) { bytes in
            switch CInt(storage.ss_family) {
            case AF_INET: return SocketAddress(bytes.load(as: sockaddr_in.self))
            case AF_INET6: return SocketAddress(bytes.load(as: sockaddr_in6.self))
            default: throw IOError(errnoCode: EAFNOSUPPORT, reason: "getsockname")
            }
        }
    }
}
