import Testing
@testable import RouterEngine
@testable import RouterSimulation

/// A finished simulated run lets go of what it built: found by LeakSanitizer in the fuzzing build,
/// where timers left in the scheduler and requests left on simulated replicas held their owners.
struct RunCleanupTests {
    final class Owner {}

    @Test func cancellingAllTimersReleasesWhatTheirActionsHold() {
        let scheduler = VirtualScheduler()
        weak var released: Owner?
        do {
            let owner = Owner()
            released = owner
            scheduler.schedule(at: .seconds(5)) { _ = owner }
        }
        #expect(released != nil, "a pending timer holds its action's captures")
        scheduler.cancelAll()
        #expect(released == nil)
        #expect(!scheduler.step(), "nothing is left to fire")
    }

    @Test func stoppingAHostDropsTheRequestsStillOnItsReplicas() throws {
        let scheduler = VirtualScheduler()
        let host = standardFleetHost(on: scheduler)
        let busy = host.replicas.values.reduce(0) { $0 + $1.ongoing }
        try #require(busy > 0, "the standard fleet has work in progress after a second")
        host.stop()
        #expect(host.replicas.values.allSatisfy { $0.ongoing == 0 })
        let admitted = host.router.totals.admitted
        scheduler.advance(by: .seconds(1))
        #expect(host.router.totals.admitted == admitted, "no arrivals after stop")
    }

    @Test func shuttingAHostDownMidRunLeavesNoTimerAndFreesItAndItsRouter() throws {
        let scheduler = VirtualScheduler()
        weak var freedHost: SimulationHost?
        weak var freedRouter: Router?
        weak var freedReplica: SimulatedReplica?
        do {
            let host = standardFleetHost(on: scheduler)
            let origin = CommandOrigin(user: "test")
            // Its probes fail from now on: the router arms recovery probes, the host a fault timer.
            #expect(host.inject(.unavailable, into: "r1", for: .seconds(30), by: origin) == .done("r1 unavailable"))
            scheduler.advance(by: .milliseconds(300))
            try #require(host.router.totals.running > 0)

            host.shutdown()

            #expect(scheduler.pendingTimerCount == 0)
            #expect(host.perform(.setLoad(requestsPerSecond: 10), by: origin) == .refused(Router.shutDownRefusal))
            #expect(host.setLoad(10, by: origin) == .refused(Router.shutDownRefusal))
            host.shutdown()
            #expect(scheduler.pendingTimerCount == 0, "a second shutdown arms nothing")
            freedHost = host
            freedRouter = host.router
            freedReplica = host.replicas["r1"]
        }
        #expect(freedHost == nil)
        #expect(freedRouter == nil)
        #expect(freedReplica == nil)
        #expect(!scheduler.step(), "nothing is left to fire")
    }
}
