import Testing
@testable import RouterEngine

/// The pool of routing tasks on its own: ids and claims, ending a task, and when a top-up may run
/// while the router carries out tasks' actions.
@Suite("Task pool")
struct TaskPoolTests {
    private func request(_ number: UInt64) -> RequestRecord {
        RequestRecord(id: RequestID(number), admittedAt: .zero, payload: nil) { _ in }
    }

    @Test("tasks get ids from 1 and claim their request; they are listed oldest or newest first")
    func start() {
        var pool = TaskPool()
        let requests = (1...3).map { request($0) }
        let tasks = requests.map { pool.start(for: $0) }
        #expect(tasks.map(\.id) == [1, 2, 3] && pool.lastID == 3 && pool.count == 3)
        #expect(requests.map(\.claimedBy) == [1, 2, 3])
        #expect(pool[2] === tasks[1] && pool[4] == nil)
        #expect(pool.oldestFirst.map(\.id) == [1, 2, 3] && pool.newestFirst.map(\.id) == [3, 2, 1])
    }

    @Test("an ended task is dropped and marked so: its wake-up is cancelled and voided, its request unclaimed, a top-up owed")
    func end() {
        var pool = TaskPool()
        let own = request(1)
        let task = pool.start(for: own)
        let timer = RecordedCancel()
        task.timer = timer
        let token = task.wakeToken
        _ = task.machine.retired()
        #expect(!task.isDropped)
        pool.enterActions()
        pool.end(task)
        #expect(timer.cancelled && task.timer == nil && task.wakeToken == token + 1)
        #expect(own.claimedBy == 0 && pool.isEmpty && task.isDropped)
        let owed = pool.leaveActions()
        #expect(owed, "the top-up is made once the actions are done")
        #expect(pool.lastID == 1, "ids are not reused")
    }

    @Test("an ended task's pair, emptied, is the next task's storage; the ended task keeps no candidates")
    func pairReused() {
        var pool = TaskPool()
        let scheduler = VirtualScheduler()
        let replicas = ["r1", "r2"].map { id in
            ReplicaRecord(info: ReplicaInfo(id: ReplicaID(id), node: "n", zone: "z", maxOngoingRequests: 5),
                          connection: ScriptedReplica(scheduler: scheduler))
        }
        let first = pool.start(for: request(1))
        first.pair.append(contentsOf: replicas)
        let storage = Self.storage(of: first.pair)
        _ = first.machine.retired()
        pool.end(first)
        #expect(first.pair.isEmpty && pool.sparePairCount == 1)
        let second = pool.start(for: request(2))
        #expect(pool.sparePairCount == 0)
        #expect(second.pair.isEmpty && second.pair.capacity >= 2)
        #expect(Self.storage(of: second.pair) == storage, "the ended task's pair is drawn into again, not allocated")
        let third = pool.start(for: request(3))
        #expect(third.pair.isEmpty && third.pair.capacity >= 2)
        #expect(Self.storage(of: third.pair) != storage, "with no spare pair left, a new one is made")
    }

    @Test("at most sparePairLimit pairs are kept; the pairs of tasks ending beyond it are let go")
    func sparePairsAreBounded() {
        var pool = TaskPool()
        let tasks = (1...(TaskPool.sparePairLimit + 6)).map { pool.start(for: request(UInt64($0))) }
        for task in tasks {
            _ = task.machine.retired()
            pool.end(task)
        }
        #expect(pool.isEmpty && pool.sparePairCount == TaskPool.sparePairLimit)
    }

    private static func storage(of pair: [ReplicaRecord]) -> UnsafeRawPointer? {
        pair.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
    }

    @Test("tasks ended out of order leave the others found by id and listed in id order; a task ended twice takes no other with it")
    func endOutOfOrder() {
        var pool = TaskPool()
        let tasks = (1...5).map { pool.start(for: request(UInt64($0))) }
        for index in [3, 1] {
            _ = tasks[index].machine.retired()
            pool.end(tasks[index])
        }
        pool.end(tasks[1])
        #expect(pool.count == 3 && pool.oldestFirst.map(\.id) == [1, 3, 5] && Array(pool.newestFirst).map(\.id) == [5, 3, 1])
        #expect(pool[1] === tasks[0] && pool[3] === tasks[2] && pool[5] === tasks[4])
        #expect(pool[2] == nil && pool[4] == nil && pool[0] == nil && pool[6] == nil)
        let sixth = pool.start(for: request(6))
        #expect(pool.oldestFirst.map(\.id) == [1, 3, 5, 6] && pool[6] === sixth)
    }

    @Test("an ended task leaves alone a request another task claimed meanwhile")
    func endKeepsOtherClaim() {
        var pool = TaskPool()
        let shared = request(1)
        let first = pool.start(for: shared)
        _ = pool.start(for: shared)
        _ = first.machine.retired()
        pool.end(first)
        #expect(shared.claimedBy == 2 && pool.count == 1)
    }

    @Test("a top-up asked for while actions are carried out is owed until the outermost is done, once")
    func topUp() {
        var pool = TaskPool()
        let idle = pool.mayTopUp()
        pool.enterActions()
        pool.enterActions()
        let inside = pool.mayTopUp()
        let inner = pool.leaveActions()
        let outer = pool.leaveActions()
        #expect(idle && !inside)
        #expect(!inner, "an inner action is done; the outer one goes on")
        #expect(outer, "the outermost is done: the owed top-up is made")
        pool.enterActions()
        let again = pool.leaveActions()
        #expect(!again, "nothing is owed any more")
    }

    @Test("shutting down cancels and voids every task's wake-up and drops the tasks")
    func shutDown() {
        var pool = TaskPool()
        let timers = [RecordedCancel(), RecordedCancel()]
        for (number, timer) in zip(1..., timers) { pool.start(for: request(UInt64(number))).timer = timer }
        let tasks = pool.oldestFirst
        pool.shutDown()
        #expect(timers.allSatisfy(\.cancelled) && pool.isEmpty)
        #expect(tasks.allSatisfy { $0.timer == nil && $0.wakeToken == 1 && $0.machine.isEnded && $0.isDropped })
    }
}
