import Dispatch
import Logging
import NIOCore
import RouterEngine
import RouterRuntime

extension Router: RequestAdmission {}

/// The router host of proxy mode: owns the router, the HTTP replicas and the front door, and
/// carries out the dashboard's commands.
///
/// Runs on the router's event loop, like its front door; the other loops' doors reach it through `EngineLink`.
public final class ProxyHost: RouterHost {
    public let router: Router
    let frontDoor: FrontDoor
    private let mode: RouterMode
    let eventLoop: any EventLoop
    private let probePath: String
    var connections: [ReplicaID: HTTPReplicaConnection] = [:]
    /// The other loops client connections are served on; each replica gets a pool on each.
    let lanes: [ClientLane]
    /// True while a reload is being applied in slices.
    var reloading = false

    /// - Parameter resolved: each configured replica with the socket address resolved up front.
    init(configuration: ProxyConfiguration, resolved: [(ReplicaSpec, SocketAddress)], lanes: [ClientLane] = [],
         scheduler: EventLoopScheduler, logger: Logger) throws(RouterError) {
        eventLoop = scheduler.eventLoop
        self.lanes = lanes
        probePath = configuration.probePath
        mode = .proxy(listen: configuration.listenDescription)
        router = Router(settings: configuration.settings, options: configuration.options, scheduler: scheduler,
                        random: configuration.seed.map(SeededRandom.init(seed:)) ?? .fromSystem(), logger: logger)
        router.startRecording()
        frontDoor = FrontDoor(admission: router, eventLoop: eventLoop, requestTimeout: configuration.requestTimeout,
                              limits: Self.doorLimits(configuration))
        for warning in configuration.startupWarnings { router.record(.warning, warning) }
        // One rebuild of the candidate sets for the whole list, however long.
        let made = resolved.map { connection(for: $0.0, socketAddress: $0.1) }
        if let (_, error) = router.addReplicas(made.map { ($0.0, $0.1 as any ReplicaConnection) }).first { throw error }
        for (info, connection) in made { connections[info.id] = connection }
    }

    /// The front door's limits, the same on every loop.
    static func doorLimits(_ configuration: ProxyConfiguration) -> FrontDoorLimits {
        FrontDoorLimits(
            headerTimeout: .nanoseconds(configuration.headerTimeout.nanosecondsClampedForNIO),
            idleTimeout: .nanoseconds(configuration.idleTimeout.nanosecondsClampedForNIO),
            maxConnections: configuration.maxConnections, bodyBudget: configuration.bodyBudgetBytes,
            allowConnect: configuration.allowConnect)
    }

    public func snapshot() -> RouterSnapshot {
        var snapshot = router.snapshot(mode: mode)
        snapshot.proxy = frontDoor.figures
        return snapshot
    }

    public func recentTraces(limit: Int) -> RequestTraceLog {
        router.recentTraces(limit: limit)
    }

    public func recording() -> Recording? { router.recording() }

    public func perform(_ command: RouterCommand, by origin: CommandOrigin) -> CommandResult {
        if router.isShutDown { return .refused(Router.shutDownRefusal) }
        switch command {
        case .settings(let command):
            return router.perform(settings: command, by: origin)
        case .setLoad:
            return .refused("the load is real traffic in proxy mode; it cannot be set from here")
        case .injectFault, .recover:
            return .refused("faults are injected into simulated replicas only; use the replica's own fault endpoint")
        case .addReplica(let address):
            return addReplica(address, by: origin)
        case .removeReplica(let id):
            return router.journaledReplicaCommand(id, "remove", by: origin, done: "\(id) removed by \(origin)") {
                () throws(RouterError) in
                try router.removeReplica(id)
                connections[id]?.closeIdleConnections()
                connections[id] = nil
            }
        case .drainReplica(let id):
            return router.journaledReplicaCommand(id, "drain", by: origin, done: "\(id) draining by \(origin)") {
                () throws(RouterError) in try router.drainReplica(id)
            }
        case .stopRouting:
            return .refused("this router stops with SIGINT or SIGTERM, or from the dashboard of its own process")
        case .undrainReplica(let id):
            return router.journaledReplicaCommand(id, "undrain", by: origin, done: "\(id) undrained by \(origin)") {
                () throws(RouterError) in try router.undrainReplica(id)
            }
        }
    }

    private func addReplica(_ text: String?, by origin: CommandOrigin) -> CommandResult {
        guard let text, !text.isEmpty else {
            return .refused("give the replica's URL, such as http://127.0.0.1:9001")
        }
        let address: ReplicaAddress
        switch ReplicaAddress.parse(text) {
        case .failure(let error): return .refused(error.description)
        case .success(let parsed): address = parsed
        }
        // Journaled before it is tried, like every change; a failure later is journaled as refused.
        let change = Self.addition(of: address)
        if let failure = router.journalChange(change, by: origin) {
            return .refused("the journal cannot be written (\(failure.message))")
        }
        let bareHost = address.host.hasPrefix("[") ? String(address.host.dropFirst().dropLast()) : address.host
        if let literal = try? SocketAddress(ipAddress: bareHost, port: address.port) {
            do throws(RouterError) {
                try add(ReplicaSpec(address: address), socketAddress: literal)
                return .done("\(address.replicaName) added by \(origin)")
            } catch {
                _ = router.journalChange(change, by: origin, result: .refused, reason: error.description)
                return .refused(error.description)
            }
        }
        // A host name: the lookup can take seconds, so it runs off the event loop, and the replica
        // is added (or the failure logged) when it answers.
        let host = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        DispatchQueue.global().async {
            let resolved = Result { try SocketAddress.makeAddressResolvingHost(address.host, port: address.port) }
            loop.execute { host.value.finishAdding(address, resolved, by: origin) }
        }
        return .done("looking up \(address.host); \(address.replicaName) is added when it answers (see the event log)")
    }

    private func finishAdding(_ address: ReplicaAddress, _ resolved: Result<SocketAddress, any Error>, by origin: CommandOrigin) {
        let reason: String
        switch resolved {
        case .failure(let error):
            reason = "cannot resolve the host of \(address): \(error); not added"
        case .success(let socketAddress):
            do throws(RouterError) {
                // The router logs the addition itself.
                try add(ReplicaSpec(address: address), socketAddress: socketAddress)
                return
            } catch {
                reason = "\(address.replicaName) not added: \(error.description)"
            }
        }
        router.record(.warning, reason)
        _ = router.journalChange(Self.addition(of: address), by: origin, result: .refused, reason: reason)
    }

    private static func addition(of address: ReplicaAddress) -> ChangeRecord {
        ChangeRecord(subject: .replica, target: address.replicaName, verb: "add", old: .absent, new: .text("\(address)"))
    }

    func add(_ spec: ReplicaSpec, socketAddress: SocketAddress) throws(RouterError) {
        guard router.replicaCount < Router.replicaLimit else {
            throw RouterError("the router holds \(Router.replicaLimit) replicas, its limit; \(spec.address.replicaName) not added")
        }
        let (info, connection) = connection(for: spec, socketAddress: socketAddress)
        try router.addReplica(info, connection: connection)
        connections[info.id] = connection
    }

    /// The replica's description and its HTTP connection, not yet added to the router.
    func connection(for spec: ReplicaSpec, socketAddress: SocketAddress) -> (ReplicaInfo, HTTPReplicaConnection) {
        let id = ReplicaID(spec.address.replicaName)
        let connection = HTTPReplicaConnection(address: spec.address, socketAddress: socketAddress,
                                               probePath: probePath, eventLoop: eventLoop, lanes: lanes)
        return (ReplicaInfo(id: id, node: spec.node, zone: spec.zone, maxOngoingRequests: spec.maxOngoingRequests), connection)
    }

    /// Closes every idle upstream connection (at shutdown).
    func closeUpstreamConnections() {
        for connection in connections.values { connection.closeIdleConnections() }
    }

    /// Shuts the router down and closes the idle upstream connections. Requests the front door
    /// still routes are let go by the router (`ProxyServer.shutdown` closes their clients first);
    /// a request arriving later is answered as shed.
    public func shutdown() {
        router.shutdown()
        closeUpstreamConnections()
    }
}
