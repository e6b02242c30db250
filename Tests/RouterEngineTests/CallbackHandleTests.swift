import Logging
import Testing
@testable import RouterEngine

/// `CallbackHandle`: what the callbacks a connection or a scheduler keeps hold instead of a
/// replica's record or the router.
struct CallbackHandleTests {
    @Test("a record's handle reaches it while it lives, keeps it from nothing, and reads nil once it is freed")
    func recordHandleOutlivesItsRecord() {
        let handle: CallbackHandle<ReplicaRecord>
        weak var freed: ReplicaRecord?
        do {
            let info = ReplicaInfo(id: ReplicaID("a"), node: "node-a", zone: "zone-1", maxOngoingRequests: 1)
            let record = ReplicaRecord(info: info, connection: ScriptedReplica(scheduler: VirtualScheduler()))
            freed = record
            handle = record.handle
            #expect(handle.object === record)
        }
        #expect(freed == nil)
        #expect(handle.object == nil)
    }

    @Test("a router's handle reaches it while it lives, keeps it from nothing, and reads nil once it is freed")
    func routerHandleOutlivesItsRouter() {
        let handle: CallbackHandle<Router>
        weak var freed: Router?
        do {
            let router = Router(settings: .defaults, scheduler: VirtualScheduler(), random: SeededRandom(seed: 1),
                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            freed = router
            handle = router.handle
            #expect(handle.object === router)
        }
        #expect(freed == nil)
        #expect(handle.object == nil)
    }
}
