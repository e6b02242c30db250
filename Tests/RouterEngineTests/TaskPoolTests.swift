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
