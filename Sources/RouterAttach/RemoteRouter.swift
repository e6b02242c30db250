import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RouterAPI

/// A router in another process, reached through its control API: the dashboard's `RouterControl`
/// for `routertop attach`.
///
/// Keeps one snapshot stream open. When it breaks, the last snapshot stays (the header says
/// "reconnecting since …") and the stream is opened again with backoff (0.1 s doubling to 5 s).
/// A socket that refuses (nothing listens: the process is gone), or a watched router process that
/// has exited, makes the connection `stopped` rather than `reconnecting`.
///
/// The stream is a delta stream (`view=delta`): the whole snapshot first, then only the replica
/// rows and events that changed, which this applies to the snapshot it keeps. A router that does
/// not know the view (an older one) refuses it, and gets full snapshots instead.
public final class RemoteRouter: RouterControl, Sendable {
    private struct State {
        var snapshot: RouterSnapshot
        /// The replica table the deltas change in place.
        var table: ReplicaTable
        /// Ask for deltas; false once the router refused them.
        var deltas = true
        /// Lines taken from the stream open now.
        var streamLines = 0
        /// The kept snapshot is the stream's last line: false from the start of a stream until its
        /// whole first line, and after a line that could not be used. A delta changes the line
        /// before it, so one that comes while this is false restarts the stream.
        var inStep = false
        var lastReceived: Date
        /// When the stream broke; nil while it is open.
        var lostAt: Date?
        var retryDelay: Duration = .milliseconds(100)
        var stream: (any Channel)?
        var stopped = false
        /// The last attempt to open the stream was refused: no process listens at the address.
        var refused = false
        /// A reconnection is scheduled and has not started; `reconnectNow()` may take it over.
        var reconnectScheduled: Scheduled<Void>?
        /// Says whether the router process this dashboard started has exited (proxy mode only).
        var routerExited: (@Sendable () -> Bool)?
        /// Snapshot lines received and their bytes, for the measurement script.
        var received = 0
        var receivedBytes = 0
        /// Snapshots refused because a number was out of range.
        var badSnapshots = 0
    }

    let client: ControlClient
    /// The stream's client: silent for three intervals (and at least the read timeout) is lost.
    private let streamClient: ControlClient
    private let interval: Int
    private let state: NIOLockedValueBox<State>

    private init(client: ControlClient, interval: Int, first: RouterSnapshot) {
        self.client = client
        var streamClient = client
        let threeIntervals = TimeAmount.milliseconds(Int64(min(interval, Int(Int32.max))) * 3)
        streamClient.readTimeout = max(client.readTimeout, threeIntervals)
        self.streamClient = streamClient
        self.interval = interval
        self.state = NIOLockedValueBox(State(snapshot: first, table: ReplicaTable(first.replicas), lastReceived: Date()))
    }

    /// Fetches a first snapshot and opens the stream.
    ///
    /// - Parameters:
    ///   - intervalMilliseconds: how often the router sends a snapshot.
    ///   - claimedAddress: the operator's SSH client address, recorded as claimed with each change.
    ///   - readOnly: ask the router to refuse this client's writes too.
    ///   - token: a bearer token, for TCP.
    ///   - readTimeout: how long the router may stay silent before the attempt (or the stream) is given up.
    /// - Throws: `AttachError` naming what was tried when no router answers.
    public static func attach(
        to target: AttachTarget, group: any EventLoopGroup, intervalMilliseconds: Int, claimedAddress: String?,
        readOnly: Bool, token: String? = nil, readTimeout: TimeAmount = ControlClient.defaultReadTimeout
    ) throws(AttachError) -> RemoteRouter {
        var headers: [(String, String)] = []
        if let claimedAddress { headers.append(("x-routertop-client-address", claimedAddress)) }
        if readOnly { headers.append(("x-routertop-readonly", "1")) }
        if let token { headers.append(("authorization", "Bearer \(token)")) }
        // The journal names the path; a trial started from here reverts when this session's stream drops.
        headers.append(("x-routertop-via", "attach"))
        headers.append(("x-routertop-session", UUID().uuidString))
        let client = ControlClient(target: target, group: group, headers: headers, readTimeout: readTimeout)
        let first: RouterSnapshot
        do {
            let (status, body) = try client.send(method: "GET", target: ControlEndpoint.snapshot.request.target).wait()
            guard status == 200 else {
                let reason = (try? JSONDecoder().decode(ErrorReply.self, from: Data(body)))?.error ?? "status \(status)"
                throw AttachError("\(target) answered \(status): \(reason)")
            }
            first = try JSONDecoder().decode(RouterSnapshot.self, from: Data(body))
            if let problem = SnapshotBounds.problem(in: first) {
                throw AttachError("\(target) sent a bad snapshot: \(problem)")
            }
        } catch let error as AttachError {
            throw error
        } catch let error as DecodingError {
            throw AttachError("\(target) is not a routertop control API (\(error))")
        } catch {
            throw AttachError("no router to attach to at \(target) (\(Self.words(error)))")
        }
        let router = RemoteRouter(client: client, interval: intervalMilliseconds, first: first)
        router.openStream()
        return router
    }

    public func latestSnapshot() -> RouterSnapshot {
        state.withLockedValue { $0.snapshot }
    }

    public var connection: ConnectionState {
        let address = client.target.description
        let now = Date()
        let staleAfter = max(Double(interval) * 3 / 1000, 2)
        return state.withLockedValue { state in
            if let lostAt = state.lostAt {
                if state.refused || state.routerExited?() == true { return .stopped(address: address, since: lostAt) }
                return .reconnecting(address: address, since: lostAt)
            }
            if now.timeIntervalSince(state.lastReceived) > staleAfter {
                return .stale(address: address, since: state.lastReceived)
            }
            return .connected(address: address)
        }
    }

    /// Snapshots received so far, and their bytes.
    public var received: (snapshots: Int, bytes: Int) {
        state.withLockedValue { ($0.received, $0.receivedBytes) }
    }

    public func perform(
        _ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void
    ) {
        // The router names the caller from the socket's peer (or the token), not from what we say.
        let (endpoint, body) = ControlCommands.request(for: command)
        let request = endpoint.request
        let target = client.target
        client.send(method: request.method, target: request.target, body: Array(body)).whenComplete { result in
            switch result {
            case .failure(let error):
                completion(.refused("the router at \(target) did not answer (\(Self.words(error)))"))
            case .success(let (status, body)):
                if let reply = try? JSONDecoder().decode(CommandReply.self, from: Data(body)) {
                    completion(reply.commandResult)
                } else if let reply = try? JSONDecoder().decode(ErrorReply.self, from: Data(body)) {
                    completion(.refused(reply.error))
                } else {
                    completion(.refused("the router answered \(status)"))
                }
            }
        }
    }

    public func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        let last = min(max(limit, 1), ControlEndpoint.maxTraces)
        client.send(method: "GET", target: ControlEndpoint.traces(last: last).request.target).whenComplete { result in
            let log = (try? result.get()).flatMap { try? JSONDecoder().decode(RequestTraceLog.self, from: Data($0.body)) }
            completion(log ?? RequestTraceLog(capacity: 0, evicted: 0, traces: []))
        }
    }

    /// A GET's status and body; status 0 with no body when the router could not be reached.
    func fetch(_ target: String, completion: @escaping @Sendable (Int, [UInt8]) -> Void) {
        client.send(method: "GET", target: target).whenComplete { result in
            switch result {
            case .success(let answer): completion(answer.status, answer.body)
            case .failure: completion(0, [])
            }
        }
    }

    /// Closes the stream and stops reconnecting.
    public func stop() {
        let stream = state.withLockedValue { state -> (any Channel)? in
            state.stopped = true
            state.reconnectScheduled?.cancel()
            state.reconnectScheduled = nil
            return state.stream
        }
        try? stream?.close().wait()
    }

    /// Watches the router process this dashboard started: once `exited` says so while the stream
    /// is down, the connection is `stopped`, without waiting for the socket to refuse.
    public func watchRouterProcess(exited: @escaping @Sendable () -> Bool) {
        state.withLockedValue { $0.routerExited = exited }
    }

    /// Opens the stream now rather than after the backoff, as when the router was just started again.
    public func reconnectNow() {
        let waiting = state.withLockedValue { state -> Bool in
            guard let scheduled = state.reconnectScheduled else { return false }
            scheduled.cancel()
            state.reconnectScheduled = nil
            state.retryDelay = .milliseconds(100)
            return true
        }
        if waiting { openStream() }
    }

    private func openStream() {
        let deltas = state.withLockedValue { state in
            state.streamLines = 0
            state.inStep = false
            return state.deltas
        }
        let endpoint: ControlEndpoint = deltas
            ? .deltas(intervalMilliseconds: interval) : .snapshots(intervalMilliseconds: interval)
        let target = endpoint.request.target
        let future = streamClient.stream(target: target, onLine: { [weak self] line in
            self?.receive(line)
        }, onClose: { [weak self] error in
            self?.streamClosed(error)
        })
        future.whenSuccess { [weak self] channel in
            self?.state.withLockedValue { $0.stream = channel }
        }
    }

    private func receive(_ line: [UInt8]) {
        guard var snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(line)) else {
            return state.withLockedValue { $0.inStep = false }
        }
        if let problem = SnapshotBounds.problem(in: snapshot) { return refuse(problem) }
        let restart = state.withLockedValue { state -> (any Channel)? in
            if snapshot.view == .delta {
                // A delta changes the line before it: after a line lost, start over with a whole one.
                guard state.inStep else { return state.stream }
                state.table.apply(delta: snapshot, after: state.snapshot.time)
                snapshot.replicas = state.table.rows
                var events = state.snapshot.events + snapshot.events
                if events.count > FleetLink.keptEvents { events.removeFirst(events.count - FleetLink.keptEvents) }
                snapshot.events = events
                snapshot.view = .full
                snapshot.replicasGone = nil
                snapshot.replicaCount = nil
            } else {
                state.table.replaceAll(with: snapshot.replicas)
            }
            state.inStep = true
            state.streamLines += 1
            state.snapshot = snapshot
            state.lastReceived = Date()
            state.lostAt = nil
            state.refused = false
            state.retryDelay = .milliseconds(100)
            state.received += 1
            state.receivedBytes += line.count + 1
            return nil
        }
        restart?.close(promise: nil)
    }

    /// A snapshot with numbers out of range is not drawn: the last good one stays, its event log
    /// says why (once per problem), and the header turns stale as no good snapshot arrives.
    private func refuse(_ problem: String) {
        state.withLockedValue { state in
            state.inStep = false
            state.badSnapshots += 1
            let message = "bad snapshot from the router, not shown (\(state.badSnapshots) so far): \(problem)"
            if state.snapshot.events.last?.message.hasPrefix("bad snapshot") == true { state.snapshot.events.removeLast() }
            let sequence = (state.snapshot.events.last?.sequence ?? 0) + 1
            state.snapshot.events.append(RouterEvent(time: state.snapshot.time, kind: .warning, message: message,
                                                     sequence: sequence))
        }
    }

    private func streamClosed(_ error: (any Error)?) {
        let refused = error.map(Self.isRefusal) ?? false
        let loop = client.group.next()
        let olderRouter = state.withLockedValue { state -> Bool in
            // A router that does not know `view=delta` answers 400 before any line: ask it for full snapshots.
            guard !state.stopped, state.deltas, state.streamLines == 0,
                  let status = (error as? ControlClientError)?.status, status == 400 else { return false }
            state.deltas = false
            state.stream = nil
            return true
        }
        if olderRouter { return openStream() }
        state.withLockedValue { state in
            state.stream = nil
            guard !state.stopped else { return }
            if state.lostAt == nil { state.lostAt = Date() }
            state.refused = refused
            let delay = state.retryDelay
            state.retryDelay = min(delay * 2, .seconds(5))
            state.reconnectScheduled = loop.scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) { [weak self] in
                self?.scheduledReconnect()
            }
        }
    }

    private func scheduledReconnect() {
        let due = state.withLockedValue { state -> Bool in
            guard state.reconnectScheduled != nil, !state.stopped else { return false }
            state.reconnectScheduled = nil
            return true
        }
        if due { openStream() }
    }

    /// True when nothing listens at the address: a refused connection, or a socket file that is gone.
    static func isRefusal(_ error: any Error) -> Bool {
        if let error = error as? IOError { return [ECONNREFUSED, ENOENT].contains(error.errnoCode) }
        if let error = error as? NIOConnectionError {
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isRefusal($0.error) }
        }
        return false
    }

    private static func words(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ControlClientError { return error.description }
        if let error = error as? ChannelError, case .connectTimeout = error { return "no answer within 2 s" }
        return "\(error)"
    }
}

extension RemoteRouter {
    /// The router's journal, through `GET /v1/journal`.
    public func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
        fetch(ControlEndpoint.journal(after: 0).request.target) { status, body in
            if status == 200, let reply = try? JSONDecoder().decode(JournalReply.self, from: Data(body)) {
                completion(.success(reply))
            } else {
                let reason = (try? JSONDecoder().decode(ErrorReply.self, from: Data(body)))?.error ?? "status \(status)"
                completion(.failure(JournalWriteError(reason)))
            }
        }
    }
}

