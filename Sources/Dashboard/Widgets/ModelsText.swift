import RouterAPI

/// How models read on the screen: a replica's cell, its full list, the hit rate.
enum ModelsText {
    /// "3 model-1": how many it holds and the one it serves most (or its most recent).
    static func cell(_ models: ReplicaModels?) -> String {
        guard let models else { return "" }
        let named = models.mostUsed ?? models.models.last
        return named.map { "\(models.models.count) \($0)" } ?? "\(models.models.count)"
    }

    /// Every model it holds, most recently used last (those only inferred from its answers
    /// marked), the loads seen, and how old its report is (marked when older than the timeout).
    static func list(_ models: ReplicaModels, matchingTimeout: Double) -> String {
        let names = models.models.isEmpty ? "none"
            : models.models.map { models.inferred.contains($0) ? "\($0) (inferred)" : $0 }.joined(separator: ", ")
        let used = models.mostUsed.map { "; most used \($0)" } ?? ""
        let age = models.reportAge.map { "; " + report(age: $0, matchingTimeout: matchingTimeout) } ?? ""
        return "\(names)\(used); \(models.loads) loads seen\(age)"
    }

    /// "reported 2.4s ago", or with "STALE" when older than the model matching timeout (the wait
    /// after which a request for a model stops insisting on its holders).
    static func report(age: Double, matchingTimeout: Double) -> String {
        let text = "reported \(self.age(age)) ago"
        return age > matchingTimeout ? text + " STALE (over the \(self.age(matchingTimeout)) matching timeout)" : text
    }

    /// "0.4s", "12s", "3m".
    static func age(_ seconds: Double) -> String {
        let value = max(seconds, 0)
        if value < 10 { return "\((value * 10).rounded() / 10)s" }
        if value < 120 { return "\(Int(value.rounded()))s" }
        return "\(Int((value / 60).rounded()))m"
    }

    /// One holder in the models view: "r1 0.4s", "r1 inferred 0.4s", "r1 14s STALE".
    static func holder(_ id: ReplicaID, models: ReplicaModels?, inferred: Bool, matchingTimeout: Double) -> String {
        var text = id.rawValue
        if inferred { text += " inferred" }
        if let age = models?.reportAge {
            text += " " + self.age(age)
            if age > matchingTimeout { text += " STALE" }
        }
        return text
    }

    static func hitRate(_ rate: Double?) -> String {
        guard let rate else { return "-" }
        return "\(Int((rate * 100).rounded()))%"
    }
}
