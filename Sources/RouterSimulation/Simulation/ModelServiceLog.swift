import Histogram
import RouterEngine

/// What a simulated fleet did with requests for models, as the replicas saw it: whether each
/// request found its model loaded (a hit) or had to wait for a load (a miss), and how long it
/// took from admission to assignment (fulfilment) and to completion (end to end).
public final class ModelServiceLog {
    private var admitted: [RequestID: EngineTime] = [:]
    /// Whether the last replica a request went to held its model.
    private var lastHit: [RequestID: Bool] = [:]
    private(set) var hits = 0
    private(set) var misses = 0
    private(set) var fulfillment = (hit: ModelServiceLog.histogram(), miss: ModelServiceLog.histogram())
    private(set) var endToEnd = (hit: ModelServiceLog.histogram(), miss: ModelServiceLog.histogram())

    public init() {}

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    func admit(_ id: RequestID, at time: EngineTime) {
        admitted[id] = time
    }

    /// A replica started `id`; `hit` when it held the model already.
    func served(_ id: RequestID, hit: Bool, at time: EngineTime) {
        lastHit[id] = hit
        guard let admittedAt = admitted[id] else { return }
        let micros = Self.micros(time - admittedAt)
        if hit { _ = fulfillment.hit.record(micros) } else { _ = fulfillment.miss.record(micros) }
    }

    /// The request left the router; completed requests count toward hits, misses and end to end.
    func finished(_ id: RequestID, completed: Bool, at time: EngineTime) {
        let admittedAt = admitted.removeValue(forKey: id)
        guard let hit = lastHit.removeValue(forKey: id), completed, let admittedAt else { return }
        let micros = Self.micros(time - admittedAt)
        if hit {
            hits += 1
            _ = endToEnd.hit.record(micros)
        } else {
            misses += 1
            _ = endToEnd.miss.record(micros)
        }
    }

    private static func micros(_ duration: Duration) -> UInt64 {
        UInt64(max(duration.nanosecondsClamped / 1000, 0))
    }
}
