import TOMLInput
import RouterEngine

/// Reads a replica list in TOML: one `[[replica]]` table per replica, with `url` and optionally
/// `node`, `zone` and `max_ongoing_requests`.
///
/// ```toml
/// [[replica]]
/// url = "http://127.0.0.1:9001"
/// zone = "zone-1"
/// max_ongoing_requests = 8
/// ```
public enum ReplicaFile {
    static let keys: Set<String> = ["url", "node", "zone", "max_ongoing_requests"]

    /// Parses the text of a replica file; errors read `NAME:LINE: what is wrong`.
    public static func parse(_ text: String, name: String) -> Result<[ReplicaSpec], ProxyStartupError> {
        let table: TOMLTableValue
        do {
            table = try TOMLDocument.parse(text)
        } catch {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = error.line
            let shown = line >= 1 && line <= lines.count ? " (\(lines[line - 1].trimmingCharacters()))" : ""
            return .failure(ProxyStartupError("\(name):\(line): malformed TOML: \(error.reason)\(shown)"))
        }
        let lines = TOMLLineIndex(text: text)
        if let unknown = table.unknownKey(known: ["replica"], in: "the top level") {
            return .failure(ProxyStartupError("\(name):\(lines.line(ofPath: unknown.key) ?? 1): \(unknown.message)"))
        }
        guard let entries = table["replica"]?.array else {
            if table["replica"] != nil {
                return .failure(ProxyStartupError(
                    "\(name):\(lines.line(ofPath: "replica") ?? 1): \"replica\" must be an array of tables ([[replica]])"))
            }
            return .failure(ProxyStartupError("\(name): no [[replica]] tables; each needs at least url = \"http://HOST:PORT\""))
        }
        guard entries.count <= Router.replicaLimit else {
            return .failure(ProxyStartupError(
                "\(name): \(entries.count) replicas; a router holds at most \(Router.replicaLimit)"))
        }
        var specs: [ReplicaSpec] = []
        var seen: Set<ReplicaAddress> = []
        for (index, entry) in entries.enumerated() {
            func refuse(_ key: String?, _ why: String) -> Result<[ReplicaSpec], ProxyStartupError> {
                let line = lines.line(table: "replica", index: index, key: key) ?? 1
                return .failure(ProxyStartupError("\(name):\(line): replica \(index + 1) \(why)"))
            }
            guard let replica = entry.table else { return refuse(nil, "is not a table") }
            if let unknown = replica.unknownKey(known: keys, in: "[[replica]] #\(index + 1)") {
                let line = lines.line(table: "replica", index: index, key: unknown.key) ?? 1
                return .failure(ProxyStartupError("\(name):\(line): \(unknown.message)"))
            }
            guard let urlValue = replica["url"] else { return refuse(nil, "has no url") }
            guard let url = urlValue.string else { return refuse("url", "has a url that is not a string") }
            let address: ReplicaAddress
            switch ReplicaAddress.parse(url) {
            case .failure(let error): return refuse("url", "has an unusable url: \(error.message)")
            case .success(let parsed): address = parsed
            }
            guard seen.insert(address).inserted else { return refuse("url", "repeats \(address), given before") }
            var node: String?
            if let value = replica["node"] {
                guard let text = value.string, !text.isEmpty else { return refuse("node", "has a node that is not a non-empty string") }
                node = text
            }
            var zone: String?
            if let value = replica["zone"] {
                guard let text = value.string, !text.isEmpty else { return refuse("zone", "has a zone that is not a non-empty string") }
                zone = text
            }
            var maxOngoing = 5
            if let value = replica["max_ongoing_requests"] {
                guard let number = value.int, number >= 1 else {
                    return refuse("max_ongoing_requests", "has max_ongoing_requests that is not a whole number >= 1")
                }
                maxOngoing = number
            }
            specs.append(ReplicaSpec(address: address, node: node, zone: zone, maxOngoingRequests: maxOngoing))
        }
        guard !specs.isEmpty else { return .failure(ProxyStartupError("\(name): no [[replica]] tables")) }
        return .success(specs)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
