import Testing
@testable import RouterEngine

/// The request queue on its own, at given engine times: ids and totals, the admission order of
/// waiting requests, and the one routing-deadline timer.
@Suite("Request queue")
struct RequestQueueTests {
    private func request(_ number: UInt64, admittedAt: EngineTime = .zero, model: String? = nil) -> RequestRecord {
        RequestRecord(id: RequestID(number), admittedAt: admittedAt, model: model, payload: nil) { _ in }
    }

    private func waiting(_ queue: RequestQueue) -> [UInt64] {
        queue.pending.filter(\.isPending).map(\.id.rawValue)
    }

    /// Arms the deadline for `request` and returns the time asked for (nil when nothing was armed).
    private func arm(_ queue: inout RequestQueue, for request: RequestRecord, timers: inout [RecordedCancel]) -> EngineTime? {
        var asked: EngineTime?
        queue.armRoutingDeadline(for: request) { deadline in
            asked = deadline
            timers.append(RecordedCancel())
            return timers[timers.count - 1]
        }
        return asked
    }

    @Test("ids are handed out in order from 1 and every admission is counted")
    func ids() {
        var queue = RequestQueue(routingTimeout: nil)
        #expect(queue.nextID == RequestID(1))
        #expect(queue.admit() == RequestID(1) && queue.admit() == RequestID(2))
        #expect(queue.nextID == RequestID(3) && queue.totals.admitted == 2)
    }

    @Test("a request back in the queue goes to its place by admission; the oldest finished ones drop off")
    func admissionOrder() {
        var queue = RequestQueue(routingTimeout: nil)
        let requests = (1...4).map { request($0) }
        let queued = [0, 2, 3, 1].map { queue.enqueue(requests[$0], at: .zero) }
        #expect(queued == [true, true, true, true], "the last is a rerouted older request")
        #expect(waiting(queue) == [1, 2, 3, 4] && queue.totals.pending == 4)
        requests[0].phase = .finished
        #expect(queue.oldestPending() === requests[1] && queue.pending.count == 3)
        requests[1].claimedBy = 7
        #expect(queue.oldestUnclaimed() === requests[2])
        #expect(queue.pendingAhead(of: requests[3]) == 2)
        #expect(queue.take(at: 1) === requests[2] && waiting(queue) == [2, 4])
    }

    @Test("the recipient of a replica is the oldest waiting for its model, else the oldest waiting")
    func recipient() {
        var queue = RequestQueue(routingTimeout: nil)
        var empty = RequestQueue(routingTimeout: nil)
        #expect(empty.oldestIndex(waitingFor: nil) == nil)
        let queued = [(1, "a"), (2, "b"), (3, "b")].map { queue.enqueue(request(UInt64($0), model: $1), at: .zero) }
        #expect(queued == [true, true, true])
        #expect(queue.oldestIndex(waitingFor: "b") == 1)
        #expect(queue.oldestIndex(waitingFor: "c") == 0 && queue.oldestIndex(waitingFor: nil) == 0)
    }

    @Test("a request whose routing deadline passed is counted waiting but not queued")
    func pastDeadline() {
        var queue = RequestQueue(routingTimeout: .seconds(30))
        let late = request(1, admittedAt: .ms(1000))
        let lateQueued = queue.enqueue(late, at: .ms(30_999))
        let stale = request(2, admittedAt: .ms(1000))
        let staleQueued = queue.enqueue(stale, at: .ms(31_000))
        #expect(lateQueued && !staleQueued)
        #expect(stale.isPending && queue.totals.pending == 2 && waiting(queue) == [1])
    }

    @Test("one deadline timer: armed for the oldest, moved earlier only, and the expired ones found in order")
    func deadlineTimer() {
        var queue = RequestQueue(routingTimeout: .seconds(30))
        var timers: [RecordedCancel] = []
        let second = request(2, admittedAt: .ms(2000)), first = request(1, admittedAt: .ms(1000))
        #expect(arm(&queue, for: second, timers: &timers) == .ms(32_000))
        #expect(arm(&queue, for: request(3, admittedAt: .ms(3000)), timers: &timers) == nil, "a later deadline waits")
        #expect(arm(&queue, for: first, timers: &timers) == .ms(31_000) && timers[0].cancelled)
        let queued = [first, second].map { queue.enqueue($0, at: .ms(3000)) }
        #expect(queued == [true, true])
        queue.routingDeadlineFired()
        #expect(queue.oldestExpired(at: .ms(31_000)) === first)
        first.phase = .finished
        #expect(queue.oldestExpired(at: .ms(31_000)) == nil, "the next one has 1 s left")
        #expect(arm(&queue, for: second, timers: &timers) == .ms(32_000), "the fired timer is armed again")
        queue.hold(second)
        let pendingBefore = queue.totals.pending
        queue.shutDown()
        #expect(timers[2].cancelled && !timers[1].cancelled)
        #expect(queue[RequestID(2)] == nil && queue.pending.isEmpty && !second.isPending)
        #expect(queue.totals.pending == pendingBefore, "the totals count the requests let go")
        var untimed = RequestQueue(routingTimeout: nil)
        #expect(arm(&untimed, for: first, timers: &timers) == nil && untimed.oldestExpired(at: .ms(1e9)) == nil)
    }

    @Test("held requests are found by id, and those running on a replica oldest first")
    func held() {
        var queue = RequestQueue(routingTimeout: nil)
        let scheduler = VirtualScheduler()
        let replica = ReplicaRecord(info: ReplicaInfo(id: "r1", node: "n", zone: "z", maxOngoingRequests: 5),
                                    connection: ScriptedReplica(scheduler: scheduler))
        let requests = (1...3).map { request($0) }
        for item in requests { queue.hold(item) }
        requests[2].phase = .running(replica, since: .zero)
        requests[0].phase = .running(replica, since: EngineTime(nanoseconds: 4_000_000))
        #expect(queue[RequestID(2)] === requests[1])
        #expect(queue.running(on: replica).map(\.request.id.rawValue) == [1, 3])
        #expect(queue.running(on: replica).map(\.since) == [EngineTime(nanoseconds: 4_000_000), .zero])
        queue.release(requests[1])
        #expect(queue[RequestID(2)] == nil)
    }

    @Test("held requests let go out of order leave the others found by id; one let go twice takes no other with it")
    func releasedOutOfOrder() {
        var queue = RequestQueue(routingTimeout: nil)
        let requests = [1, 2, 4, 5, 7].map { request($0) }
        for item in requests { queue.hold(item) }
        for index in [3, 1, 1, 0] { queue.release(requests[index]) }
        #expect(!queue.isEmpty && queue[RequestID(4)] === requests[2] && queue[RequestID(7)] === requests[4])
        #expect([0, 1, 2, 3, 5, 6, 8].allSatisfy { queue[RequestID($0)] == nil })
        let later = request(9)
        queue.hold(later)
        #expect(queue[RequestID(9)] === later && queue[RequestID(4)] === requests[2])
        for item in [requests[4], later, requests[2]] { queue.release(item) }
        #expect(queue.isEmpty)
    }

    /// Requests are held at admission, in the order of their ids; one held out of that order is a
    /// mistake that would hide requests from the search by id.
    @Test func holdingARequestAfterALaterOneStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            var queue = RequestQueue(routingTimeout: nil)
            queue.hold(RequestRecord(id: RequestID(2), admittedAt: .zero, payload: nil) { _ in })
            queue.hold(RequestRecord(id: RequestID(1), admittedAt: .zero, payload: nil) { _ in })
        }
    }
}
