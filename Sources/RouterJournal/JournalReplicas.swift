import RouterAPI

/// The replica set the journal's replica changes leave when they are replayed over the replicas a
/// router starts with: what `--resume` restores and what the drift warning names.
///
/// Replicas are named as the router names them (`HOST:PORT`); a replica added live keeps the URL
/// its entry journaled. A change the router refused after journaling it (an address that did not
/// resolve, a remove it could not carry out) is taken back.
public struct JournalReplicas: Equatable, Sendable {
    /// Every replica present after the replay: the start-up ones still there, then the added ones.
    public var present: [String]
    /// The URL of each replica added live, by name.
    public var addedURLs: [String: String]
    /// Start-up replicas removed live, in start-up order.
    public var removed: [String]
    /// Replicas drained live and not undrained, in the order of `present`.
    public var drained: [String]
    /// The last replica change replayed, if any.
    public var lastEntry: JournalEntry?

    /// Replicas present now that the start-up list does not have, in the order added.
    public var added: [String] { present.filter { addedURLs[$0] != nil } }

    /// True when the replay leaves the start-up set as it was.
    public var isUnchanged: Bool { added.isEmpty && removed.isEmpty && drained.isEmpty }

    /// `added 127.0.0.1:9001; removed 127.0.0.1:9000; drained 127.0.0.1:9002`.
    public var summary: String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("added " + added.joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.joined(separator: ", ")) }
        if !drained.isEmpty { parts.append("drained " + drained.joined(separator: ", ")) }
        return parts.isEmpty ? "no replica changes" : parts.joined(separator: "; ")
    }

    public static func replay(_ entries: [JournalEntry], over startup: [String]) -> JournalReplicas {
        var present = startup
        var urls: [String: String] = [:]
        var drained: Set<String> = []
        // Adds journaled for a replica already present: the refusal that follows each is theirs.
        var repeatedAdds: [String: Int] = [:]
        var last: JournalEntry?
        for entry in entries where entry.change.subject == .replica {
            let change = entry.change
            let name = change.target ?? ""
            switch (change.verb, entry.result) {
            case ("add", .applied):
                guard !present.contains(name) else {
                    repeatedAdds[name, default: 0] += 1
                    continue
                }
                present.append(name)
                urls[name] = change.new.text
            case ("add", .refused):
                if let repeated = repeatedAdds[name], repeated > 0 {
                    repeatedAdds[name] = repeated - 1
                    continue
                }
                // Journaled before the address resolved or the router took it; it never joined.
                guard urls[name] != nil else { continue }
                present.removeAll { $0 == name }
                urls[name] = nil
            case ("remove", .applied):
                guard present.contains(name) else { continue }
                present.removeAll { $0 == name }
                drained.remove(name)
            case ("remove", .refused):
                if !present.contains(name), startup.contains(name) || urls[name] != nil { present.append(name) }
            case ("drain", .applied), ("undrain", .refused):
                if present.contains(name) { drained.insert(name) }
            case ("undrain", .applied), ("drain", .refused):
                drained.remove(name)
            case ("reload", .applied):
                // A re-read replica file: its names, in its order.
                let names = change.new.text.split(separator: " ").map(String.init)
                present.removeAll { !names.contains($0) }
                for name in names where !present.contains(name) {
                    present.append(name)
                    if !startup.contains(name) { urls[name] = "http://" + name }
                }
                drained.formIntersection(names)
            default:
                continue
            }
            last = entry
        }
        for name in Array(urls.keys) where !present.contains(name) || startup.contains(name) { urls[name] = nil }
        return JournalReplicas(present: present, addedURLs: urls, removed: startup.filter { !present.contains($0) },
                               drained: present.filter { drained.contains($0) }, lastEntry: last)
    }
}
