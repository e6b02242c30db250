import Testing
@testable import RouterEngine

/// `ReplicaHandle`: what the callbacks a replica's connection keeps hold weakly instead of its record.
struct ReplicaHandleTests {
    @Test("a weak reference to a record's handle reaches the record while it lives, and is nil once it is freed")
    func handleLivesAsLongAsItsRecord() {
        weak var handle: ReplicaHandle?
        do {
            let info = ReplicaInfo(id: ReplicaID("a"), node: "node-a", zone: "zone-1", maxOngoingRequests: 1)
            let record = ReplicaRecord(info: info, connection: ScriptedReplica(scheduler: VirtualScheduler()))
            handle = record.handle
            #expect(handle?.record === record)
            #expect(record.handle === handle, "the record keeps one handle")
        }
        #expect(handle == nil)
    }
}
