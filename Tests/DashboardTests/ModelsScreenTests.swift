import Dashboard
import RouterEngine
import Testing

@Suite("Models on screen")
struct ModelsScreenTests {
    static func snapshotWithModels() -> RouterSnapshot {
        var snapshot = Fixtures.snapshot(replicas: 4)
        snapshot.replicas[0].models = ReplicaModels(models: ["llama-a", "llama-b", "lora-7"], mostUsed: "lora-7", loads: 5)
        snapshot.replicas[0].models?.reportAge = 0.4
        snapshot.replicas[1].models = ReplicaModels(models: ["llama-a"], mostUsed: nil, loads: 1)
        snapshot.replicas[1].models?.reportAge = 14
        snapshot.models = ModelFigures(
            hits: 96, misses: 4, loads: 6, requestRate: 40, loadRate: 0.5,
            models: [
                ModelEntry(name: "lora-7", holders: [snapshot.replicas[0].id], requests: 70, hits: 69, rate: 30),
                ModelEntry(name: "llama-a", holders: [snapshot.replicas[0].id, snapshot.replicas[1].id], requests: 30, hits: 27, rate: 10),
                ModelEntry(name: "cold-9", holders: [], requests: 0, hits: 0, rate: 0),
            ]
        )
        // The last 15 s hit less than the router's life: the header shows the recent figure.
        snapshot.models?.recentHits = 9
        snapshot.models?.recentMisses = 1
        snapshot.models?.recentSeconds = 15
        return snapshot
    }

    @Test("the table's models column shows how many each holds and the most used; the header the hit rate")
    func columnAndHeader() {
        let snapshot = Self.snapshotWithModels()
        let screen = Fixtures.controller(FakeRouterControl(snapshot)).render(size: TerminalSize(columns: 160, rows: 40))
        #expect(screen.row(0).contains("models hit 90%/15s loads 0.5/s"))
        #expect(screen.contains("models"))
        let first = screen.rows(containing: snapshot.replicas[0].id.rawValue + " ").first ?? ""
        #expect(first.contains("3 lora-7"))
        let second = screen.rows(containing: snapshot.replicas[1].id.rawValue + " ").first ?? ""
        #expect(second.contains("1 llama-a"))
    }

    @Test("without models the table and the header are as before")
    func noModelsNoColumn() {
        let screen = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 4)))
            .render(size: TerminalSize(columns: 160, rows: 40))
        #expect(!screen.row(0).contains("models hit"))
        #expect(!screen.contains("models "))
    }

    @Test("m opens the models view: each model with its rate, hits and holders; Esc goes back")
    func modelsView() {
        let snapshot = Self.snapshotWithModels()
        let dashboard = Fixtures.controller(FakeRouterControl(snapshot))
        let size = TerminalSize(columns: 120, rows: 30)
        dashboard.handle(.character("m"))
        let screen = dashboard.render(size: size)
        #expect(screen.contains("Models 3"))
        #expect(screen.contains("hit 90% last 15s, 96% since start"))
        let lora = screen.rows(containing: "lora-7").first ?? ""
        #expect(lora.contains("30.0/s") && lora.contains("70") && lora.contains("99%"))
        #expect(lora.contains(snapshot.replicas[0].id.rawValue))
        let llama = screen.rows(containing: "llama-a").first ?? ""
        // Each holder with the age of its report; one older than the 1 s matching timeout is marked.
        #expect(llama.contains(snapshot.replicas[0].id.rawValue + " 0.4s, " + snapshot.replicas[1].id.rawValue + " 14s STALE"), "\(llama)")
        #expect((screen.rows(containing: "cold-9").first ?? "").contains("none"))
        dashboard.handle(.escape)
        #expect(!dashboard.render(size: size).contains("Models 3"))
    }

    @Test("the replica detail lists every model it holds")
    func detail() {
        let snapshot = Self.snapshotWithModels()
        let dashboard = Fixtures.controller(FakeRouterControl(snapshot))
        let size = TerminalSize(columns: 120, rows: 30)
        _ = dashboard.render(size: size)
        dashboard.handle(.enter)
        let screen = dashboard.render(size: size)
        #expect(screen.contains("models llama-a, llama-b, lora-7; most used lora-7; 5 loads seen; reported 0.4s ago"))
    }

    @Test("the detail marks models known only from answers, and a report older than the matching timeout")
    func detailMarksInferredAndStale() {
        var snapshot = Self.snapshotWithModels()
        snapshot.replicas[0].models?.inferred = ["lora-7"]
        snapshot.replicas[0].models?.reportAge = 3
        let dashboard = Fixtures.controller(FakeRouterControl(snapshot))
        let size = TerminalSize(columns: 160, rows: 30)
        _ = dashboard.render(size: size)
        dashboard.handle(.enter)
        let screen = dashboard.render(size: size)
        #expect(screen.contains("models llama-a, llama-b, lora-7 (inferred); most used lora-7; 5 loads seen; reported 3.0s ago STALE (over the 1.0s matching timeout)"))
    }

    @Test("the models view marks a holder known only from its answers")
    func modelsViewMarksInferredHolders() {
        var snapshot = Self.snapshotWithModels()
        snapshot.models?.models[0].inferredHolders = [snapshot.replicas[0].id]
        let dashboard = Fixtures.controller(FakeRouterControl(snapshot))
        dashboard.handle(.character("m"))
        let screen = dashboard.render(size: TerminalSize(columns: 120, rows: 30))
        #expect((screen.rows(containing: "lora-7").first ?? "").contains(snapshot.replicas[0].id.rawValue + " inferred 0.4s"))
    }
}
