import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RouterEngine
import RouterRuntime

/// The HTTP router: the front door, the router and its HTTP replicas.
///
/// The router lives on one event loop (the engine's, the group's first). Client connections are
/// spread over every loop of the group, the router's loop taking fewer (`LoopConnections`); each
/// loop parses its clients' requests and forwards them from its own pools, while admission and
/// routing run on the engine's loop, which hears how each request ended, so there is one router
/// with exact in-flight counts. With one loop nothing crosses.
///
/// `live` is what the dashboard talks to. Start it from outside the loops (start-up waits).
public final class ProxyServer: Sendable {
    /// The running router, for the dashboard: snapshots out, commands in.
    public let live: LiveRouter
    /// Where the front door listens (the real port when 0 was asked for).
    public let localAddress: SocketAddress
    /// The router's loop.
    public let eventLoop: any EventLoop
    /// How many loops carry client connections (the router's among them).
    public var eventLoopCount: Int { doors.count }
    private let listener: ClientAcceptor
    /// Client connections open on each loop.
    private let connections: LoopConnections
    private let host: NIOLoopBound<ProxyHost>
    /// The front door of each loop, the router's first.
    private let doors: [NIOLoopBound<FrontDoor>]

    private init(live: LiveRouter, localAddress: SocketAddress, eventLoop: any EventLoop,
                 listener: ClientAcceptor, connections: LoopConnections, host: NIOLoopBound<ProxyHost>,
                 doors: [NIOLoopBound<FrontDoor>]) {
        self.live = live
        self.localAddress = localAddress
        self.eventLoop = eventLoop
        self.listener = listener
        self.connections = connections
        self.host = host
        self.doors = doors
    }

    /// The port the front door listens on.
    public var port: Int { localAddress.port ?? 0 }

    /// Resolves the replicas, starts the router on the group's first loop and binds the front door,
    /// whose connections are spread over every loop of the group once `openFrontDoor` is called.
    ///
    /// - Throws: `ProxyStartupError` naming the bad input (an unresolvable host, a duplicate
    ///   replica, a port in use).
    /// - Parameter snapshotInterval: how often the dashboard's snapshot is published (taken on the
    ///   router's loop, so a service with no screen can take it rarely).
    public static func start(
        _ configuration: ProxyConfiguration, group: any EventLoopGroup,
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
        let loops = Array(group.makeIterator())
        let eventLoop = loops[0]
        let lanes = loops.dropFirst().enumerated().map { ClientLane(index: $0.offset + 1, eventLoop: $0.element,
                                                                   engine: eventLoop) }
        let made: LiveRouter
        do {
            let resolvedReplicas = resolved
            made = try LiveRouter(eventLoop: eventLoop, publishEvery: snapshotInterval) { scheduler in
                // Replicas were checked for duplicates above, so adding them cannot fail.
                try! ProxyHost(configuration: configuration, resolved: resolvedReplicas, lanes: lanes,
                               scheduler: scheduler, logger: logger)
            }
        } catch {
            throw ProxyStartupError("the router did not start: \(error)")
        }
        let live = made
        let host: NIOLoopBound<ProxyHost>
        let listener: ClientAcceptor
        let connections = LoopConnections(loops: loops.count)
        var doors: [NIOLoopBound<FrontDoor>] = []
        do {
            let (bound, engineDoor, shared) = try live.withHost { made in
                let host = made as! ProxyHost
                return (NIOLoopBound(host, eventLoop: eventLoop), NIOLoopBound(host.frontDoor, eventLoop: eventLoop),
                        host.frontDoor.shared)
            }.wait()
            host = bound
            doors.append(engineDoor)
            for lane in lanes {
                doors.append(try lane.eventLoop.submit {
                    let door = FrontDoor(.remote(EngineLink(lane: lane, host: bound)), lane: lane,
                                         eventLoop: lane.eventLoop, requestTimeout: configuration.requestTimeout,
                                         limits: ProxyHost.doorLimits(configuration), shared: shared)
                    return NIOLoopBound(door, eventLoop: lane.eventLoop)
                }.wait())
            }
            let doorsNow = doors
            listener = try ClientAcceptor(host: configuration.listenHost, port: configuration.listenPort,
                                          backlog: 1024, loops: connections, counters: shared,
                                          eventLoop: eventLoop, logger: logger) { loop, socket in
                let door = doorsNow[loop]
                // A bootstrap per connection: it cannot cross threads, and it is only a few values.
                return ClientBootstrap(group: door.eventLoop).channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // At the limit the connection is closed at once (and counted), before any byte is read.
                        guard door.value.acceptsConnection() else { throw ConnectionRefused() }
                        do {
                            // Pipelined requests and parse errors are handled by the front door handler itself.
                            try FrontDoorHandler.install(on: channel, door: door.value)
                        } catch {
                            door.value.connectionNotOpened()
                            throw error
                        }
                    }
                }.withConnectedSocket(socket)
            }
        } catch {
            abandon(live, lanes: lanes)
            throw ProxyStartupError("--listen \(configuration.listenDescription): \(Self.bindProblem(error))")
        }
        return ProxyServer(live: live, localAddress: listener.localAddress, eventLoop: eventLoop,
                           listener: listener, connections: connections, host: host, doors: doors)
    }

    /// Starts accepting clients; those that connected since `start` waited in the listen backlog.
    /// Called once the rest of start-up is done, so that clients cannot take the descriptors it needs.
    public func openFrontDoor() {
        listener.open()
    }

    /// The front door's limits and counters (over every loop).
    public func figures() -> EventLoopFuture<ProxyFigures> {
        let door = doors[0]
        return eventLoop.submit { door.value.figures }
    }

    /// What the clients saw so far, summed over every loop.
    public func tally() -> EventLoopFuture<ClientTally> {
        tallyPerLoop().map { $0.reduce(ClientTally(), +) }
    }

    /// What the clients of each loop saw so far, the router's loop first.
    func tallyPerLoop() -> EventLoopFuture<[ClientTally]> {
        EventLoopFuture.whenAllSucceed(doors.map { door in door.eventLoop.submit { door.value.tally } }, on: eventLoop)
    }

    /// Client connections open on each loop now, the router's loop first.
    var connectionsPerLoop: [Int] { connections.openPerLoop }

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

    /// Runs `body` on each loop's front door, the router's loop's last, once every other one ran.
    private func onEveryDoor(_ body: @escaping @Sendable (FrontDoor) -> Void) -> EventLoopFuture<Void> {
        let others = doors.dropFirst().map { door in door.eventLoop.submit { body(door.value) } }
        let first = doors[0]
        return EventLoopFuture.andAllSucceed(others, on: eventLoop).map { body(first.value) }
    }

    /// Stops taking connections, lets the requests in flight finish for up to `grace`, then closes
    /// every connection (requests still running fail as cancelled) and shuts the router down.
    public func shutdown(grace: Duration = .seconds(10)) -> EventLoopFuture<Void> {
        let host = self.host
        let live = self.live
        let eventLoop = self.eventLoop
        let deadline = NIODeadline.now() + .nanoseconds(grace.nanosecondsClampedForNIO)
        let drained = eventLoop.makePromise(of: Void.self)
        listener.close().flatMap { _ in
            self.onEveryDoor { door in
                door.draining = true
                door.closeIdleConnections()
            }
        }.whenComplete { _ in
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
        return drained.futureResult.flatMap {
            self.onEveryDoor { $0.closeAllConnections() }
        }.map {
            // Here rather than in `live.stop()`, which runs later: the router is shut down when the
            // future completes.
            host.value.shutdown()
        }.flatMap {
            // The lanes' pools close on their loops: wait until the mailboxes handed that over
            // (behind it on the router's loop) and the lanes ran it (behind it on theirs).
            eventLoop.submit {}
        }.flatMap {
            self.onEveryDoor { _ in }
        }.map {
            live.stop()
        }
    }

    /// Stops a router whose front door could not open, and waits until its lanes have run what the
    /// router's shutdown handed them (their pools to close), so the caller may shut the loops down
    /// at once: work posted to a loop already shut down is an error in SwiftNIO.
    private static func abandon(_ live: LiveRouter, lanes: [ClientLane]) {
        live.stop()
        let eventLoop = live.eventLoop
        // The first task runs after the stop, which posts to the lanes' mailboxes; the second after
        // those posts were carried over.
        try? eventLoop.submit {}.flatMap { eventLoop.submit {} }.wait()
        for lane in lanes { try? lane.eventLoop.submit {}.wait() }
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
