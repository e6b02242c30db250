/// Where an HTTP replica listens: `http://HOST[:PORT][/BASE-PATH]`.
public struct ReplicaAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Prefixed to every forwarded path; empty or `/something` without a trailing slash.
    public var basePath: String

    public init(host: String, port: Int, basePath: String = "") {
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// The canonical URL, used to spot duplicates.
    public var description: String { "http://\(hostForURL):\(port)\(basePath)" }

    /// The replica's name in the router: `HOST:PORT` (plus the base path when there is one).
    public var replicaName: String { "\(hostForURL):\(port)\(basePath)" }

    /// The `Host` header value for requests the router makes itself (probes).
    public var hostHeader: String { port == 80 ? hostForURL : "\(hostForURL):\(port)" }

    private var hostForURL: String { host.contains(":") ? "[\(host)]" : host }

    /// Characters a URL may not hold: they would end a log or journal line, or act on a terminal.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Parses a replica URL; the error says what is wrong with it.
    public static func parse(_ text: String) -> Result<ReplicaAddress, ProxyStartupError> {
        func refuse(_ why: String) -> Result<ReplicaAddress, ProxyStartupError> {
            .failure(ProxyStartupError("replica URL \"\(text)\" \(why)"))
        }
        if let control = text.unicodeScalars.first(where: isControl) {
            let code = String(control.value, radix: 16, uppercase: true)
            return .failure(ProxyStartupError("a replica URL holds the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code); "
                + "URLs may not hold control or direction-changing characters"))
        }
        let scheme = "http://"
        guard text.lowercased().hasPrefix(scheme) else {
            if text.lowercased().hasPrefix("https://") { return refuse("uses https, which is not supported; use http://") }
            return refuse("is not an http:// URL (expected http://HOST:PORT)")
        }
        let rest = text.dropFirst(scheme.count)
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == " " }) else {
            return refuse("has a query, a fragment or a space; only http://HOST:PORT/PATH is allowed")
        }
        let authority = rest.prefix(while: { $0 != "/" })
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        guard !authority.contains("@") else { return refuse("has user information, which is not supported") }

        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return refuse("has an unclosed [ in its host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return refuse("has text after its IPv6 host") }
                portText = after.dropFirst()
            }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
            guard !host.contains(":") else { return refuse("has more than one ':' in its host and port") }
        }
        guard !host.isEmpty else { return refuse("has no host") }
        var port = 80
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
                  let value = Int(portText), (1...65_535).contains(value)
            else { return refuse("has port \"\(portText)\"; it must be a whole number from 1 to 65535") }
            port = value
        }
        return .success(ReplicaAddress(host: host.lowercased(), port: port, basePath: path))
    }
}
