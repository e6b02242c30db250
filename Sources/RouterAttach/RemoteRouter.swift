import Foundation
import NIOConcurrencyHelpers
import NIOCore
import RouterAPI

/// A router in another process, reached through its control API: the dashboard's `RouterControl`
/// for `routertop attach`.
///
/// Keeps one snapshot stream open. When it breaks, the last snapshot stays (the header says
/// "reconnecting since …") and the stream is opened again with backoff (0.1 s doubling to 5 s).
public final class RemoteRouter: RouterControl, Sendable {
    private struct State {
        var snapshot: RouterSnapshot
        var lastReceived: Date
        /// When the stream broke; nil while it is open.
        var lostAt: Date?
        var retryDelay: Duration = .milliseconds(100)
        var stream: (any Channel)?
        var stopped = false
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
        self.state = NIOLockedValueBox(State(snapshot: first, lastReceived: Date()))
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
            if let lostAt = state.lostAt { return .reconnecting(address: address, since: lostAt) }
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
            return state.stream
        }
        try? stream?.close().wait()
    }

    private func openStream() {
        let target = ControlEndpoint.snapshots(intervalMilliseconds: interval).request.target
        let future = streamClient.stream(target: target, onLine: { [weak self] line in
            self?.receive(line)
        }, onClose: { [weak self] _ in
            self?.streamClosed()
        })
        future.whenSuccess { [weak self] channel in
            self?.state.withLockedValue { $0.stream = channel }
        }
    }

    private func receive(_ line: [UInt8]) {
        guard let snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(line)) else { return }
        if let problem = SnapshotBounds.problem(in: snapshot) { return refuse(problem) }
        state.withLockedValue { state in
            state.snapshot = snapshot
            state.lastReceived = Date()
            state.lostAt = nil
            state.retryDelay = .milliseconds(100)
            state.received += 1
            state.receivedBytes += line.count + 1
        }
    }

    /// A snapshot with numbers out of range is not drawn: the last good one stays, its event log
    /// says why (once per problem), and the header turns stale as no good snapshot arrives.
    private func refuse(_ problem: String) {
        state.withLockedValue { state in
            state.badSnapshots += 1
            let message = "bad snapshot from the router, not shown (\(state.badSnapshots) so far): \(problem)"
            if state.snapshot.events.last?.message.hasPrefix("bad snapshot") == true { state.snapshot.events.removeLast() }
            let sequence = (state.snapshot.events.last?.sequence ?? 0) + 1
            state.snapshot.events.append(RouterEvent(time: state.snapshot.time, kind: .warning, message: message,
                                                     sequence: sequence))
        }
    }

    private func streamClosed() {
        let delay = state.withLockedValue { state -> Duration? in
            state.stream = nil
            guard !state.stopped else { return nil }
            if state.lostAt == nil { state.lostAt = Date() }
            let delay = state.retryDelay
            state.retryDelay = min(delay * 2, .seconds(5))
            return delay
        }
        guard let delay else { return }
        client.group.next().scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) { [weak self] in
            self?.openStream()
        }
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

