import RouterAPI

/// How models read on the screen: a replica's cell, its full list, the hit rate.
enum ModelsText {
    /// "3 model-1": how many it holds and the one it serves most (or its most recent).
    static func cell(_ models: ReplicaModels?) -> String {
        guard let models else { return "" }
        let named = models.mostUsed ?? models.models.last
        return named.map { "\(models.models.count) \($0)" } ?? "\(models.models.count)"
    }

    /// Every model it reported, most recently used last, with the loads seen.
    static func list(_ models: ReplicaModels) -> String {
        let names = models.models.isEmpty ? "none" : models.models.joined(separator: ", ")
        let used = models.mostUsed.map { "; most used \($0)" } ?? ""
        return "\(names)\(used); \(models.loads) loads seen"
    }

    static func hitRate(_ rate: Double?) -> String {
        guard let rate else { return "-" }
        return "\(Int((rate * 100).rounded()))%"
    }
}
