import RouterEngine

/// What is left of a reload being applied, and what it did so far.
final class ReloadWork {
    var removals: [ReplicaID]
    var additions: [ReplicaSpec]
    let change: ChangeRecord
    let origin: CommandOrigin
    let done: (String) -> Void
    var added: [String] = [], removed: [String] = [], refused: [String] = []

    init(removals: [ReplicaID], additions: [ReplicaSpec], change: ChangeRecord, origin: CommandOrigin,
         done: @escaping (String) -> Void) {
        // Taken from the end, so reversed: the file's order is kept.
        self.removals = removals.reversed()
        self.additions = additions.reversed()
        self.change = change
        self.origin = origin
        self.done = done
    }

    /// What changed, in words; long lists are cut to their first few names and a count.
    var summary: String {
        let words = [
            added.isEmpty ? nil : "added \(Self.names(added))",
            removed.isEmpty ? nil : "removed \(Self.names(removed))",
            refused.isEmpty ? nil : "refused \(refused.joined(separator: "; "))",
        ].compactMap { $0 }
        return words.isEmpty ? "no change" : words.joined(separator: "; ")
    }

    private static func names(_ list: [String]) -> String {
        guard list.count > 20 else { return list.joined(separator: ", ") }
        return list.prefix(20).joined(separator: ", ") + " and \(list.count - 20) more"
    }
}
