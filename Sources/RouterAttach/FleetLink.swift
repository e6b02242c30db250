import Foundation
import NIOConcurrencyHelpers
import NIOCore
import RouterAPI
import RouterFleet

/// One router of `routertop fleet`: a snapshot stream kept open, reopened with backoff when it
/// breaks. Unlike `RemoteRouter` it starts without a first answer, and it never passes off old
/// figures as live: from the moment the stream breaks or falls silent the router is unreachable.
///
/// It reads summaries (`view=summary`): each carries only the events not sent before, which the
/// link keeps, so the fleet's event log stays whole at a fraction of the bytes.
public final class FleetLink: Sendable {
    /// The events kept per router, as many as a router keeps itself.
    public static let keptEvents = 200

    private struct State {
        var snapshot: RouterSnapshot?
        /// The events received so far (a summary carries only new ones), the newest `keptEvents`.
        var events: [RouterEvent] = []
        /// A new stream's first line is coming: it replaces the replica table instead of changing it.
        var fresh = true
        /// The replica table the summaries keep, changed in place by each line.
        var table = ReplicaTable()
        var lastReceived: Date?
        var lostAt: Date?
        var reason = ""
        var retryDelay: Duration = .milliseconds(100)
        var stream: (any Channel)?
        var stopped = false
        var received = 0
        var receivedBytes = 0
    }

    public let name: String
    private let client: ControlClient
    private let interval: Int
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - name: what the fleet calls it.
    ///   - intervalMilliseconds: how often the router sends a snapshot.
    public init(name: String, client: ControlClient, intervalMilliseconds: Int) {
        self.name = name
        self.client = client
        self.interval = intervalMilliseconds
    }

    /// How long a stream may stay silent before the router counts as unreachable: three
    /// intervals, and never under a second, so one late snapshot is not an outage.
    public var silenceLimit: TimeInterval { max(Double(interval) * 3 / 1000, 1) }

    public func start() { openStream() }

    /// The router as the fleet shows it now.
    public func member(now: Date = Date()) -> FleetMember {
        let address = client.target.description
        return state.withLockedValue { state in
            if let lostAt = state.lostAt {
                return FleetMember(name: name, address: address, link: .unreachable(since: UTCTime(lostAt), reason: state.reason),
                                   kind: state.snapshot?.mode.kind)
            }
            guard let snapshot = state.snapshot, let last = state.lastReceived else {
                return FleetMember(name: name, address: address, link: .connecting)
            }
            if now.timeIntervalSince(last) > silenceLimit {
                return FleetMember(name: name, address: address,
                                   link: .unreachable(since: UTCTime(last), reason: "no snapshot for \(Int(silenceLimit)) s"),
                                   kind: snapshot.mode.kind)
            }
            var member = FleetMember(name: name, address: address, link: .live(snapshot))
            member.replicaVersion = state.table.version
            return member
        }
    }

    /// Snapshot lines received so far and their bytes, for the measurement script.
    public var received: (snapshots: Int, bytes: Int) {
        state.withLockedValue { ($0.received, $0.receivedBytes) }
    }

    public func stop() {
        let stream = state.withLockedValue { state -> (any Channel)? in
            state.stopped = true
            return state.stream
        }
        try? stream?.close().wait()
    }

    private func openStream() {
        let target = ControlEndpoint.summaries(intervalMilliseconds: interval).request.target
        state.withLockedValue { $0.fresh = true }
        let future = client.stream(target: target, onLine: { [weak self] line in
            self?.receive(line)
        }, onClose: { [weak self] error in
            self?.streamClosed(error)
        })
        future.whenSuccess { [weak self] channel in
            self?.state.withLockedValue { $0.stream = channel }
        }
    }

    private func receive(_ line: [UInt8]) {
        guard var snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(line)) else { return }
        state.withLockedValue { state in
            // A new stream starts over with the router's last events; a known one is not kept twice.
            // A router that restarted numbers its events from 1 again: its old ones go.
            if let newest = snapshot.events.last?.sequence, newest < (state.events.last?.sequence ?? 0) {
                state.events.removeAll()
            }
            let known = state.events.last?.sequence ?? 0
            state.events += snapshot.events.filter { $0.sequence > known }
            if state.events.count > Self.keptEvents { state.events.removeFirst(state.events.count - Self.keptEvents) }
            snapshot.events = state.events
            if state.fresh { state.table.replaceAll(with: []) }
            if snapshot.view == .summary {
                // The stream's first line carries every replica; later ones only what changed.
                state.table.apply(summary: snapshot)
            } else {
                state.table.replaceAll(with: snapshot.replicas)
            }
            snapshot.replicas = state.table.rows
            state.fresh = false
            state.snapshot = snapshot
            state.lastReceived = Date()
            state.lostAt = nil
            state.retryDelay = .milliseconds(100)
            state.received += 1
            state.receivedBytes += line.count + 1
        }
    }

    private func streamClosed(_ error: (any Error)?) {
        let delay = state.withLockedValue { state -> Duration? in
            state.stream = nil
            guard !state.stopped else { return nil }
            if state.lostAt == nil {
                state.lostAt = Date()
                state.reason = error.map(ControlClient.words) ?? "the router closed the stream"
            }
            let delay = state.retryDelay
            state.retryDelay = min(delay * 2, .seconds(2))
            return delay
        }
        guard let delay else { return }
        client.group.next().scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) { [weak self] in
            self?.openStream()
        }
    }
}
