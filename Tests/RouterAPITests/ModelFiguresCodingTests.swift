import Foundation
import RouterAPI
import Testing

@Suite struct ModelFiguresCodingTests {
    @Test func modelFiguresAndAReplicasModelsSurviveJSON() throws {
        let figures = ModelFigures(
            hits: 9, misses: 1, loads: 2, requestRate: 4.5, loadRate: 0.25,
            models: [ModelEntry(name: "lora-7", holders: ["r1", "r2"], requests: 10, hits: 9, rate: 4.5)],
            untrackedRequests: 3
        )
        #expect(try JSONDecoder().decode(ModelFigures.self, from: JSONEncoder().encode(figures)) == figures)
        let models = ReplicaModels(models: ["a", "lora-7"], mostUsed: "lora-7", loads: 2)
        #expect(try JSONDecoder().decode(ReplicaModels.self, from: JSONEncoder().encode(models)) == models)
        #expect(figures.hitRate == 0.9)
    }

    @Test func settingsWrittenBeforeTheMatchingTimeoutStillRead() throws {
        let old = #"{"initial_backoff_s": 0.05, "backoff_multiplier": 2, "max_backoff_s": 0.5, "probe_deadline_s": 0.1, "max_probe_deadline_s": 1, "cache_timeout_s": 10}"#
        let settings = try JSONDecoder().decode(RouterSettings.self, from: Data(old.utf8))
        #expect(settings == RouterSettings(initialBackoff: 0.05))
        let new = try JSONEncoder().encode(RouterSettings(modelMatchingTimeout: 2.5))
        #expect(try JSONDecoder().decode(RouterSettings.self, from: new).modelMatchingTimeout == 2.5)
    }
}
