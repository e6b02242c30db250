import ArgumentParser
import Foundation
import NIOCore
import RouterAttach
import RouterAPI
import RouterControlServer

/// How `fleet` and `rollout` reach routers: the admin token for `http://` targets.
struct FleetTargetOptions: ParsableArguments {
    @Option(name: .customLong("admin-token-file"), help: ArgumentHelp(
        "A file whose first token (LABEL TOKEN or TOKEN) is sent to http:// targets (default: ROUTERTOP_ADMIN_TOKEN).",
        valueName: "file"))
    var adminTokenFile: String?

    /// The token to present, or nil; a bad file stops start-up.
    func token(environment: [String: String]) -> String? {
        if let adminTokenFile {
            switch AdminTokens.load(file: adminTokenFile) {
            case .failure(let error): failStartup(error.description)
            case .success(let tokens): return tokens.clientToken
            }
        }
        return environment["ROUTERTOP_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A client for `target`, with the token where it travels over TCP.
    func client(for target: AttachTarget, group: any EventLoopGroup, token: String?) -> ControlClient {
        var headers: [(String, String)] = []
        if case .tcp = target, let token { headers.append(("authorization", "Bearer \(token)")) }
        return ControlClient(target: target, group: group, headers: headers)
    }
}

/// Routers named on the command line, or found the way `routertop list` finds them.
enum FleetTargets {
    /// The name the fleet shows for `argument`: the name itself, a socket's file name without
    /// `.sock`, or `HOST:PORT` for a URL.
    static func name(of argument: String, target: AttachTarget) -> String {
        switch target {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path):
            guard argument.contains("/") else { return argument }
            let file = (path as NSString).lastPathComponent
            return file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
        }
    }

    /// Resolves every argument; the first bad one stops start-up with its reason, and so does a
    /// router named twice.
    static func resolve(_ arguments: [String], environment: [String: String]) -> [(name: String, target: AttachTarget)] {
        var resolved: [(name: String, target: AttachTarget)] = []
        for argument in arguments {
            switch AttachTarget.resolve(argument, environment: environment) {
            case .failure(let error): failStartup(error.description)
            case .success(let target):
                let name = name(of: argument, target: target)
                if resolved.contains(where: { $0.name == name }) { failStartup("\(argument) names the router \(name) twice") }
                resolved.append((name, target))
            }
        }
        return resolved
    }

    /// The routers whose sockets in the runtime directory answer now, by name.
    static func discover(environment: [String: String]) -> [(name: String, target: AttachTarget)] {
        let directory = ControlSocketPath.directory(environment: environment)
        return ControlSocketPath.names(in: directory).compactMap { name in
            let path = directory + "/\(name).sock"
            guard case .live = ControlSocketGuard.occupant(of: path) else { return nil }
            return (name, .unixSocket(path: path))
        }
    }

    /// The socket files in the runtime directory, live or not, by name: what the fleet watches.
    static func sockets(environment: [String: String]) -> [(name: String, target: AttachTarget)] {
        let directory = ControlSocketPath.directory(environment: environment)
        return ControlSocketPath.names(in: directory).map { ($0, .unixSocket(path: directory + "/\($0).sock")) }
    }
}
