/// The request target as a replica gets it.
enum RequestTarget {
    /// The origin form of a target: `http://host/a?b` becomes `/a?b` (RFC 9112 §3.2.2); `*` and
    /// origin forms stay as they are.
    static func originForm(_ uri: String) -> String {
        guard let first = uri.utf8.first, first != UInt8(ascii: "/"), first != UInt8(ascii: "*") else { return uri }
        guard let scheme = uri.range(of: "://") else { return uri }
        let afterAuthority = uri[scheme.upperBound...]
        guard let pathStart = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let rest = afterAuthority[pathStart...]
        return rest.first == "?" ? "/" + rest : String(rest)
    }

    /// The target with a replica's base path in front; `*` (the server as a whole) names the base.
    static func withBasePath(_ basePath: String, _ uri: String) -> String {
        guard !basePath.isEmpty else { return uri }
        return uri == "*" ? basePath : basePath + uri
    }
}
