import RouterAPI
@testable import RouterControlServer
import Testing

/// The multiplexing metrics follow the snapshot's model figures.
@Suite struct ModelMetricsTests {
    @Test func modelRequestsAndLoadsAreCountedByOutcomeAndReplica() throws {
        let metrics = RouterMetrics()
        var snapshot = RouterMetricsTests.snapshot()
        let plain = String(decoding: metrics.exposition(for: snapshot), as: UTF8.self)
        #expect(RouterMetricsTests.value(#"routertop_model_requests_total{outcome="hit"}"#, in: plain) == nil)
        snapshot.models = ModelFigures(hits: 9, misses: 2, loads: 3, requestRate: 1, loadRate: 0, models: [])
        snapshot.replicas[0].models = ReplicaModels(models: ["a", "b"], mostUsed: "a", loads: 3)
        var text = String(decoding: metrics.exposition(for: snapshot), as: UTF8.self)
        #expect(RouterMetricsTests.value(#"routertop_model_requests_total{outcome="hit"}"#, in: text) == 9)
        #expect(RouterMetricsTests.value(#"routertop_model_requests_total{outcome="miss"}"#, in: text) == 2)
        let first = snapshot.replicas[0].id.rawValue
        #expect(RouterMetricsTests.value(#"routertop_model_loads_total{replica="\#(first)"}"#, in: text) == 3)
        snapshot.models?.hits = 12
        snapshot.replicas[0].models?.loads = 4
        text = String(decoding: metrics.exposition(for: snapshot), as: UTF8.self)
        #expect(RouterMetricsTests.value(#"routertop_model_requests_total{outcome="hit"}"#, in: text) == 12)
        #expect(RouterMetricsTests.value(#"routertop_model_loads_total{replica="\#(first)"}"#, in: text) == 4)
        #expect(RouterMetricsTests.value(#"routertop_setting{name="model_matching_timeout_s"}"#, in: text) == 1)
    }
}
