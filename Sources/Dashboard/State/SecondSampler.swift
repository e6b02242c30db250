import RouterAPI

/// Holds each replica's cumulative counters and latencies, the retry totals, the attempts
/// distribution and the fulfilment percentiles at their value from the start of the current second of router time, so they move
/// once a second, together with the rates and the rate history, instead of on every refresh.
///
/// What an operator must see move at every refresh (state, queue length and its source, in flight,
/// fault) always comes from the latest snapshot. On a slow link each held column costs a cursor
/// move and a colour switch per replica per refresh; once a second halves that, and a second-old
/// total loses nothing (the rate beside it is per second anyway).
struct SecondSampler {
    private struct Held {
        var routed: Int
        var completed: Int
        var rejected: Int
        var fullAnswers: Int
        var probeTimeouts: Int
        var retriesAttributed: Int
        var probeRTT: Duration?
        var cacheAge: Duration?
        var latencyP50: Duration?
        var latencyP99: Duration?

        init(_ replica: ReplicaSnapshot) {
            routed = replica.routed
            completed = replica.completed
            rejected = replica.rejected
            fullAnswers = replica.fullAnswers
            probeTimeouts = replica.probeTimeouts
            retriesAttributed = replica.retriesAttributed
            probeRTT = replica.probeRTT
            cacheAge = replica.cacheAge
            latencyP50 = replica.latencyP50
            latencyP99 = replica.latencyP99
        }

        func apply(to replica: inout ReplicaSnapshot) {
            replica.routed = routed
            replica.completed = completed
            replica.rejected = rejected
            replica.fullAnswers = fullAnswers
            replica.probeTimeouts = probeTimeouts
            replica.retriesAttributed = retriesAttributed
            replica.probeRTT = probeRTT
            replica.cacheAge = cacheAge
            replica.latencyP50 = latencyP50
            replica.latencyP99 = latencyP99
        }
    }

    private var second: Int64?
    private var held: [ReplicaID: Held] = [:]
    private var attemptsHistogram: [AttemptBucket] = []
    private var retries: RetryTotals?
    private var fulfillment: LatencySummary?

    /// `snapshot` with the held figures in place; takes a new sample when router time entered
    /// another whole second (or went back, as after a restart), and for a replica seen first.
    mutating func apply(to snapshot: RouterSnapshot) -> RouterSnapshot {
        let now = snapshot.time.nanoseconds / 1_000_000_000
        if now != second {
            second = now
            held.removeAll(keepingCapacity: true)
            for replica in snapshot.replicas { held[replica.id] = Held(replica) }
            attemptsHistogram = snapshot.attemptsHistogram
            retries = snapshot.retries
            fulfillment = snapshot.fulfillment
            return snapshot
        }
        var result = snapshot
        result.attemptsHistogram = attemptsHistogram
        if let retries { result.retries = retries }
        if let fulfillment { result.fulfillment = fulfillment }
        for index in result.replicas.indices {
            let id = result.replicas[index].id
            if let sample = held[id] {
                sample.apply(to: &result.replicas[index])
            } else {
                held[id] = Held(result.replicas[index])
            }
        }
        return result
    }
}
