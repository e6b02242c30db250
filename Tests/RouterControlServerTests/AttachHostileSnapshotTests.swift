import Foundation
import RouterAttach
import RouterAPI
import TestSupport
import Testing

/// A hostile or broken router's numbers never reach the dashboard's arithmetic: a snapshot with a
/// number out of range is refused at start (exit 2 with the reason) and, later, not drawn, with
/// the reason in the event log.
@Suite struct AttachHostileSnapshotTests {
    /// The numbers of the adversarial pass, each put into an otherwise real snapshot.
    enum Hostile: String, CaseIterable, Sendable {
        case hugeRate, hugeP99, negativeBackoffWait, maxFailedAttempts, infiniteReplicaRate

        func apply(to snapshot: inout RouterSnapshot) {
            switch self {
            case .hugeRate: snapshot.rateIn = 1e19
            case .hugeP99: snapshot.fulfillment.p99 = .seconds(Int64(1) << 62)
            case .negativeBackoffWait:
                snapshot.backoffTimers.append(BackoffTimerSnapshot(taskID: 1, failedAttempts: 1, wait: .nanoseconds(Int64.min),
                                                                   inBackoffSince: snapshot.time))
            case .maxFailedAttempts: snapshot.retries.failedAttempts = Int.max
            case .infiniteReplicaRate: snapshot.replicas[0].rateHistory.append(-.greatestFiniteMagnitude)
            }
        }
    }

    @Test func realSnapshotsAreWithinTheBounds() throws {
        let fixture = try ControlServerTests.Fixture()
        #expect(poll { fixture.live.latestSnapshot().totals.completed > 20 })
        let snapshot = fixture.live.latestSnapshot()
        #expect(SnapshotBounds.problem(in: snapshot) == nil)
    }

    @Test(arguments: Hostile.allCases)
    func aFirstSnapshotOutOfRangeIsRefusedWithTheReason(_ hostile: Hostile) throws {
        let fixture = try ControlServerTests.Fixture()
        var snapshot = fixture.live.latestSnapshot()
        hostile.apply(to: &snapshot)
        let silent = try SilentRouter(path: fixture.directory + "/hostile.sock", snapshotBody: Array(try JSONEncoder().encode(snapshot)))
        let error = #expect(throws: AttachError.self) {
            let remote = try RemoteRouter.attach(to: .unixSocket(path: silent.path), group: fixture.group, intervalMilliseconds: 100,
                                                 claimedAddress: nil, readOnly: true)
            remote.stop()
        }
        #expect(error?.description.hasPrefix("\(silent.path) sent a bad snapshot: snapshot.") == true, "\(String(describing: error))")
    }

    @Test func aBadSnapshotInTheStreamIsNotDrawnAndTheEventLogSaysWhy() throws {
        let fixture = try ControlServerTests.Fixture()
        let good = fixture.live.latestSnapshot()
        var bad = good
        Hostile.hugeRate.apply(to: &bad)
        let silent = try SilentRouter(path: fixture.directory + "/hostile.sock", snapshotBody: Array(try JSONEncoder().encode(good)),
                                      streamLine: Array(try JSONEncoder().encode(bad)))
        let remote = try RemoteRouter.attach(to: .unixSocket(path: silent.path), group: fixture.group, intervalMilliseconds: 100,
                                             claimedAddress: nil, readOnly: true)
        defer { remote.stop() }
        #expect(poll {
            remote.latestSnapshot().events.last?.message.hasPrefix("bad snapshot from the router, not shown (1 so far): snapshot.rateIn") == true
        })
        #expect(remote.latestSnapshot().rateIn == good.rateIn)
    }
}
