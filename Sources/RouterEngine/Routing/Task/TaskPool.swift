/// The routing tasks a router runs, by id; the ids they get; and when the pool may be topped up.
/// A task's state machine returns actions and the router carries them out (`Router.perform`); the
/// pool counts how deep the router is in that, so that no task starts in the middle of another's
/// attempt: a top-up asked for meanwhile is owed, and made once the outermost action is done.
/// Takes no time; each task's wake-up timer is the router's, and is cancelled here when it ends.
struct TaskPool {
    /// The running tasks in the order they started, which is the order of their ids: a task a
    /// request was two hashes of its id in a dictionary (about 400 instructions a request), and
    /// the router runs at most `Router.Options.maxRoutingTasksCap` tasks (50 unless set), so a
    /// binary search finds one and ending one moves at most that many references.
    private var tasks: [RoutingTask] = []
    /// The id of the last task started; ids grow from 1.
    private(set) var lastID = 0
    /// How deep the router is in carrying out tasks' actions.
    private var depth = 0
    /// A task ended or a request came back while the router carried out actions: top up after.
    private var owesTopUp = false
    /// The emptied pairs of ended tasks, for the next tasks to draw into: a task a request, and each
    /// new pair's storage was an allocation and a free (about 500 instructions a request).
    private var sparePairs: [[ReplicaRecord]] = []
    /// The most spare pairs kept: as many as tasks end between two starts, at most.
    static let sparePairLimit = 64

    /// The emptied pairs kept for tasks to come.
    var sparePairCount: Int { sparePairs.count }

    var count: Int { tasks.count }
    var isEmpty: Bool { tasks.isEmpty }

    /// The running task with `id`.
    subscript(id: Int) -> RoutingTask? {
        tasks.index(ofKey: id) { $0.id }.map { tasks[$0] }
    }

    /// The running tasks, oldest first.
    var oldestFirst: [RoutingTask] { tasks }

    /// The running tasks, newest first.
    var newestFirst: ReversedCollection<[RoutingTask]> { tasks.reversed() }

    /// Starts a task routing for `request`, which it claims.
    mutating func start(for request: RequestRecord) -> RoutingTask {
        lastID += 1
        let task = RoutingTask(id: lastID, request: request, pair: sparePairs.popLast() ?? [])
        request.claimedBy = task.id
        tasks.append(task)
        return task
    }

    /// Drops an ended task: its wake-up is cancelled and its request, if still its own, is left
    /// unclaimed. The pool owes a top-up, for that request. Its pair is emptied and kept for a
    /// task to come (an ended task makes no attempt).
    mutating func end(_ task: RoutingTask) {
        precondition(task.machine.isEnded, "routing task \(task.id) dropped while \(task.machine.state)")
        task.timer?.cancel()
        task.timer = nil
        task.wakeToken += 1
        if task.request.claimedBy == task.id { task.request.claimedBy = 0 }
        if let index = tasks.index(ofKey: task.id, by: { $0.id }), tasks[index] === task { tasks.remove(at: index) }
        task.isDropped = true
        owesTopUp = true
        if sparePairs.count < Self.sparePairLimit {
            var pair: [ReplicaRecord] = []
            swap(&pair, &task.pair)
            // Emptied in place; `removeAll(keepingCapacity:)` took its generic path, some 340
            // instructions for two replicas.
            while pair.popLast() != nil {}
            sparePairs.append(pair)
        }
    }

    // MARK: Topping up

    /// Whether the router may top up now; if it is carrying out actions, the top-up is owed instead.
    mutating func mayTopUp() -> Bool {
        guard depth == 0 else {
            owesTopUp = true
            return false
        }
        return true
    }

    /// The router begins carrying out a task's actions.
    mutating func enterActions() {
        depth += 1
    }

    /// The router is done with a task's actions; true when that was the outermost and a top-up is
    /// owed (which it now makes).
    mutating func leaveActions() -> Bool {
        depth -= 1
        guard depth == 0, owesTopUp else { return false }
        owesTopUp = false
        return true
    }

    /// Ends every task (its wake-up cancelled and voided) and drops them, for `Router.shutdown()`.
    mutating func shutDown() {
        for task in tasks {
            task.shutDown()
            task.isDropped = true
        }
        tasks = []
    }
}
