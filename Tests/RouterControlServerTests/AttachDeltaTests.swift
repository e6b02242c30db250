import Foundation
import RouterAttach
import RouterAPI
import Testing
import TestSupport

/// `attach` reads a delta stream: the router's whole snapshot first, then only what changed, kept
/// whole on the client; a router that does not know deltas gets asked for full snapshots.
@Suite struct AttachDeltaTests {
    @Test func aDeltaStreamStartsWholeAndItsLinesRebuildTheRoutersTable() throws {
        let fixture = try ControlServerTests.Fixture()
        let lines = CollectedLines()
        let client = ControlClient(target: fixture.target, group: fixture.group)
        let channel = try client.stream(target: ControlEndpoint.deltas(intervalMilliseconds: 50).request.target,
                                        onLine: { lines.append($0) }, onClose: { _ in }).wait()
        defer { _ = try? channel.close().wait() }
        #expect(poll { lines.count >= 6 })
        let snapshots = try lines.all.prefix(6).map { try JSONDecoder().decode(RouterSnapshot.self, from: Data($0)) }
        #expect(snapshots.map(\.view) == [.full] + Array(repeating: .delta, count: 5))
        var table = ReplicaTable(snapshots[0].replicas)
        for (before, line) in zip(snapshots, snapshots.dropFirst()) {
            table.apply(delta: line, after: before.time)
        }
        let live = fixture.live.latestSnapshot()
        #expect(table.rows.map(\.id) == live.replicas.map(\.id))
        #expect(table.rows.count == snapshots[5].replicaCount)
        let sequences = snapshots.dropFirst().flatMap(\.events).map(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count, "each event is sent once")
        #expect(sequences.allSatisfy { $0 > (snapshots[0].events.last?.sequence ?? 0) })
    }

    @Test func attachAsksAnOlderRouterForFullSnapshots() throws {
        let fixture = try ControlServerTests.Fixture()
        let first = fixture.live.latestSnapshot()
        var streamed = first
        streamed.rateIn = 1234
        let older = try SilentRouter(path: fixture.directory + "/older.sock",
                                     snapshotBody: Array(try JSONEncoder().encode(first)),
                                     streamLine: Array(try JSONEncoder().encode(streamed)), refusesDeltas: true)
        let remote = try RemoteRouter.attach(to: .unixSocket(path: older.path), group: fixture.group, intervalMilliseconds: 100,
                                             claimedAddress: nil, readOnly: true)
        defer { remote.stop() }
        #expect(poll { remote.latestSnapshot().rateIn == 1234 })
        let streams = older.requests.filter { $0.hasPrefix("GET /v1/snapshots") }
        #expect(streams == ["GET /v1/snapshots?interval_ms=100&view=delta HTTP/1.1",
                            "GET /v1/snapshots?interval_ms=100 HTTP/1.1"])
        #expect(remote.latestSnapshot().replicas == first.replicas)
    }
}

/// Lines collected from a stream's event loop, read by the test.
private final class CollectedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [[UInt8]] = []

    func append(_ line: [UInt8]) { lock.withLock { lines.append(line) } }
    var count: Int { lock.withLock { lines.count } }
    var all: [[UInt8]] { lock.withLock { lines } }
}
