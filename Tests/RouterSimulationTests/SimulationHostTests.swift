import Logging
import Testing
@testable import RouterEngine
@testable import RouterSimulation

/// Each test ends as the host's runner does, with a shutdown: it stops with work in flight.
struct SimulationHostTests {
    let scheduler = VirtualScheduler()
    let host: SimulationHost
    let operator_ = CommandOrigin(user: "alice", address: "192.0.2.7")

    init() {
        host = SimulationHost(
            fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 3,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        host.start()
        scheduler.advance(by: .seconds(2))
    }

    @Test func theStandardFleetIsLiveAtOnce() {
        defer { host.shutdown() }
        let snapshot = host.snapshot()
        #expect(snapshot.replicas.count == 8)
        #expect(Set(snapshot.replicas.map(\.node)) == ["node-a", "node-b"])
        #expect(Set(snapshot.replicas.map(\.zone)) == ["zone-1", "zone-2"])
        #expect(snapshot.totals.completed > 300)
        #expect(snapshot.rateIn > 200)
        #expect(snapshot.simulation?.requestsPerSecond == 320)
    }

    @Test func killingAReplicaRemovesItFromRoutingAndLosesNothing() {
        defer { host.shutdown() }
        #expect(host.perform(.injectFault("r1", .kill), by: operator_) == .done("r1 killed"))
        scheduler.advance(by: .seconds(2))
        let snapshot = host.snapshot()
        let r1 = snapshot.replicas.first { $0.id == "r1" }
        #expect(r1?.state == .dead)
        #expect(r1?.fault == "killed")
        #expect(snapshot.totals.isConserved)
        #expect(snapshot.totals.failed[.replicaError, default: 0] == 0)
        #expect(snapshot.events.contains { $0.kind == .fault && $0.message == "r1 killed by alice from 192.0.2.7" })
        #expect(host.perform(.recover("r1"), by: operator_) == .refused("replica r1 is dead; it cannot recover"))
    }

    @Test func anUnavailableReplicaComesBackAfterRecovery() {
        defer { host.shutdown() }
        _ = host.perform(.injectFault("r2", .unavailable), by: operator_)
        scheduler.advance(by: .seconds(3))
        #expect(host.snapshot().replicas.first { $0.id == "r2" }?.state == .unavailable)
        #expect(host.perform(.recover("r2"), by: operator_) == .done("r2 recovered"))
        scheduler.advance(by: .seconds(11))
        #expect(host.snapshot().replicas.first { $0.id == "r2" }?.state == .healthy)
    }

    @Test func loadAndReplicaCommands() {
        defer { host.shutdown() }
        #expect(host.perform(.setLoad(requestsPerSecond: 50), by: operator_) == .done("load 50 req/s"))
        #expect(host.perform(.setLoad(requestsPerSecond: -1), by: operator_)
            == .refused("load -1 req/s is out of range; it must be from 0 to 1000000 req/s"))
        #expect(host.perform(.addReplica(address: nil), by: operator_) == .done("added sim-1"))
        #expect(host.perform(.addReplica(address: "http://x"), by: operator_)
            == .refused("the simulated fleet adds simulated replicas, not addresses"))
        #expect(host.perform(.drainReplica("r3"), by: operator_) == .done("done"))
        #expect(host.perform(.removeReplica("nope"), by: operator_) == .refused("there is no replica nope"))
        #expect(host.perform(.injectFault("nope", .saturate), by: operator_) == .refused("there is no replica nope"))
        scheduler.advance(by: .seconds(1))
        let snapshot = host.snapshot()
        #expect(snapshot.replicas.count == 9)
        #expect(snapshot.replicas.first { $0.id == "r3" }?.state == .draining)
        #expect(snapshot.simulation?.requestsPerSecond == 50)
    }

    @Test func settingsCommandsAreValidatedByTheSharedValidator() {
        defer { host.shutdown() }
        var settings = RouterSettings.defaults
        settings.backoffMultiplier = 0.5
        guard case .refused(let reason) = host.perform(.settings(.apply(settings)), by: operator_) else {
            Issue.record("accepted a multiplier below 1")
            return
        }
        #expect(reason.contains("is below 1"))
        settings.backoffMultiplier = 3
        #expect(host.perform(.settings(.apply(settings)), by: operator_) == .done("settings applied"))
        #expect(host.snapshot().settingsChanged)
        #expect(host.perform(.settings(.undo), by: operator_) == .done("undone"))
        #expect(!host.snapshot().settingsChanged)
        #expect(host.perform(.settings(.undo), by: operator_) == .refused("no parameter change to undo"))
    }

    @Test func aSaturatedReplicaGetsNoNewWork() {
        defer { host.shutdown() }
        _ = host.perform(.injectFault("r4", .saturate), by: operator_)
        scheduler.advance(by: .seconds(1))
        let before = host.snapshot().replicas.first { $0.id == "r4" }!.completed
        scheduler.advance(by: .seconds(3))
        let after = host.snapshot().replicas.first { $0.id == "r4" }!
        #expect(after.completed == before)
        #expect(after.rejected > 0)
        #expect(host.snapshot().totals.isConserved)
    }
}
