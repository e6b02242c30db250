import Foundation
import RouterAPI

/// The router `routertop attach` talks to: a Unix socket, or a control API URL over TCP.
public enum AttachTarget: Equatable, Sendable, CustomStringConvertible {
    case unixSocket(path: String)
    case tcp(host: String, port: Int)

    /// Reads `NAME`, a socket `PATH` (anything with a `/`) or an `http://HOST:PORT` URL; nothing
    /// means the router called `default`.
    public static func resolve(_ argument: String?, environment: [String: String]) -> Result<AttachTarget, AttachError> {
        guard let argument, !argument.isEmpty else {
            return .success(.unixSocket(path: ControlSocketPath.path(name: "default", environment: environment)))
        }
        if argument.hasPrefix("http://") {
            var rest = argument.dropFirst("http://".count)
            if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
            let host: Substring
            let portText: Substring
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                host = rest[rest.index(after: rest.startIndex)..<close]
                portText = rest[close...].dropFirst(2)
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            } else {
                host = rest
                portText = "80"
            }
            guard !host.isEmpty, let port = Int(portText), (1...65_535).contains(port) else {
                return .failure(AttachError("\(argument) is not a control API URL; it must be http://HOST:PORT"))
            }
            return .success(.tcp(host: String(host), port: port))
        }
        if argument.contains("://") {
            return .failure(AttachError("\(argument): only http:// URLs and Unix socket paths can be attached to"))
        }
        if argument.contains("/") { return .success(.unixSocket(path: argument)) }
        if let problem = ControlSocketPath.checkName(argument) {
            return .failure(AttachError(problem.description.replacingOccurrences(of: "--name=", with: "")))
        }
        return .success(.unixSocket(path: ControlSocketPath.path(name: argument, environment: environment)))
    }

    public var description: String {
        switch self {
        case .unixSocket(let path): path
        case .tcp(let host, let port): host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        }
    }
}

/// Why attaching failed, in one line.
public struct AttachError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
