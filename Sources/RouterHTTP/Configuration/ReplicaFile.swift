import TOMLKit

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
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            let shown = line >= 1 && line <= lines.count ? " (\(lines[line - 1].trimmingCharacters()))" : ""
            return .failure(ProxyStartupError("\(name):\(line): malformed TOML: \(error.description)\(shown)"))
        } catch {
            return .failure(ProxyStartupError("\(name): malformed TOML: \(error)"))
        }
        for key in table.keys where key != "replica" {
            return .failure(ProxyStartupError(
                "\(name):\(lineOf(key: key, in: lines) ?? 1): unknown key \"\(key)\"; expected [[replica]] tables"))
        }
        guard let entries = table["replica"]?.array else {
            if table["replica"] != nil {
                return .failure(ProxyStartupError(
                    "\(name):\(lineOf(key: "replica", in: lines) ?? 1): \"replica\" must be an array of tables ([[replica]])"))
            }
            return .failure(ProxyStartupError("\(name): no [[replica]] tables; each needs at least url = \"http://HOST:PORT\""))
        }
        var specs: [ReplicaSpec] = []
        var seen: Set<ReplicaAddress> = []
        for (index, entry) in entries.enumerated() {
            let header = headerLine(number: index, in: lines)
            func refuse(_ key: String?, _ why: String) -> Result<[ReplicaSpec], ProxyStartupError> {
                let line = key.flatMap { lineOf(key: $0, in: lines, from: header ?? 0) } ?? header ?? 1
                return .failure(ProxyStartupError("\(name):\(line): replica \(index + 1) \(why)"))
            }
            guard let replica = entry.table else { return refuse(nil, "is not a table") }
            for key in replica.keys where !keys.contains(key) {
                return refuse(key, "has unknown key \"\(key)\"; known keys: url, node, zone, max_ongoing_requests")
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

    /// The 1-based line of the `number`-th (0-based) `[[replica]]` header.
    private static func headerLine(number: Int, in lines: [Substring]) -> Int? {
        var seen = 0
        for (index, line) in lines.enumerated() where line.trimmingCharacters().hasPrefix("[[") {
            if seen == number { return index + 1 }
            seen += 1
        }
        return nil
    }

    /// The 1-based line where `key = ...` is set, at or after line `from` (1-based), within one table.
    private static func lineOf(key: String, in lines: [Substring], from: Int = 0) -> Int? {
        for index in max(from, 0)..<lines.count {
            let line = lines[index].trimmingCharacters()
            if index + 1 > from, from > 0, line.hasPrefix("[") { return nil }
            if line.hasPrefix(key), line.dropFirst(key.count).trimmingCharacters().hasPrefix("=") { return index + 1 }
            if line.hasPrefix("[[\(key)]]") || line.hasPrefix("[\(key)]") { return index + 1 }
        }
        return nil
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
