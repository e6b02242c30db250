import Testing
@testable import RouterEngine

/// `ReplicaHandle`: what the callbacks a replica's connection keeps hold instead of its record.
struct ReplicaHandleTests {
    private static func record() -> ReplicaRecord {
        let info = ReplicaInfo(id: ReplicaID("a"), node: "node-a", zone: "zone-1", maxOngoingRequests: 1)
        return ReplicaRecord(info: info, connection: ScriptedReplica(scheduler: VirtualScheduler()))
    }

    @Test("a handle reaches its record while the record lives, and nothing once it is freed; it keeps no record alive")
    func handleOutlivesItsRecord() {
        let handle: ReplicaHandle
        weak var freed: ReplicaRecord?
        do {
            let record = Self.record()
            freed = record
            handle = record.handle
            #expect(handle.record === record)
            #expect(record.handle === handle, "the record keeps one handle")
        }
        #expect(freed == nil)
        #expect(handle.record == nil)
    }
}
