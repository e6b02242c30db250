import Histogram
import RouterEngine

extension ScenarioReport {
    /// What a run with a model load did with the models, as the replicas saw it.
    public struct Models: Equatable, Sendable, Codable {
        /// Whether the router routed by model (false: plain power of two choices on the same load).
        public var multiplexRouting: Bool
        /// Completed requests whose replica held their model already, and those that waited for a load.
        public var hits: Int
        public var misses: Int
        /// hits / (hits + misses); 0 when none completed.
        public var hitRate: Double
        public var loads: Int
        public var evictions: Int
        /// Admission to assignment, for hits and for misses.
        public var fulfillmentMs: Split
        /// Admission to completion, for hits and for misses, and for all together.
        public var endToEndMs: Split

        /// Percentiles for hits, misses and all requests.
        public struct Split: Equatable, Sendable, Codable {
            public var hit: Percentiles
            public var miss: Percentiles
            public var all: Percentiles
        }

        enum CodingKeys: String, CodingKey {
            case hits, misses, loads, evictions
            case multiplexRouting = "multiplex_routing"
            case hitRate = "hit_rate"
            case fulfillmentMs = "fulfillment_ms"
            case endToEndMs = "end_to_end_ms"
        }
    }
}

extension ScenarioReport.Models {
    init(log: ModelServiceLog, caches: [ModelCache], multiplexRouting: Bool) {
        let served = log.hits + log.misses
        self.init(
            multiplexRouting: multiplexRouting,
            hits: log.hits,
            misses: log.misses,
            hitRate: served == 0 ? 0 : (Double(log.hits) / Double(served) * 10_000).rounded() / 10_000,
            loads: caches.reduce(0) { $0 + $1.loads },
            evictions: caches.reduce(0) { $0 + $1.evictions },
            fulfillmentMs: Split(hit: log.fulfillment.hit, miss: log.fulfillment.miss),
            endToEndMs: Split(hit: log.endToEnd.hit, miss: log.endToEnd.miss)
        )
    }
}

extension ScenarioReport.Models.Split {
    init(hit: Histogram<UInt64>, miss: Histogram<UInt64>) {
        var all = hit
        all.add(miss)
        self.init(hit: .init(micros: hit), miss: .init(micros: miss), all: .init(micros: all))
    }
}

extension ScenarioReport.Percentiles {
    /// Percentiles of a histogram of microseconds, in milliseconds (zeros when it is empty).
    init(micros histogram: Histogram<UInt64>) {
        func ms(_ quantile: Double) -> Double {
            guard histogram.totalCount > 0 else { return 0 }
            return Double(histogram.valueAtPercentile(quantile)) / 1000
        }
        let max = histogram.totalCount > 0 ? Double(histogram.max) / 1000 : 0
        self.init(p50: ms(50), p90: ms(90), p99: ms(99), max: max)
    }
}
