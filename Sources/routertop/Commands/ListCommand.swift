import ArgumentParser
import Foundation
import NIOPosix
import RouterAPI
import RouterAttach
import RouterControlServer

/// `routertop list`: the routers of this user that `routertop attach` can reach, with what each is.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the running routers of this user that can be attached to, with their kind."
    )

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = ControlSocketPath.directory(environment: environment)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        var lines: [String] = []
        for name in ControlSocketPath.names(in: directory) {
            let path = directory + "/\(name).sock"
            switch ControlSocketGuard.occupant(of: path) {
            case .live: lines.append([name, Self.kind(of: path, group: group), path].map { oneLine($0) }.joined(separator: "\t"))
            case .stale:
                lines.append([name, "-", path].map { oneLine($0) }.joined(separator: "\t")
                    + "\t(stale: no router answers; the next router of that name replaces it)")
            case .nothing, .other: continue
            }
        }
        if lines.isEmpty {
            print("no routers in \(directory)")
        } else {
            print(lines.joined(separator: "\n"))
        }
    }

    /// What the router on `path` says it is ("proxy on 127.0.0.1:8080", "ray app/echo PROXY"), or why not.
    private static func kind(of path: String, group: MultiThreadedEventLoopGroup) -> String {
        let client = ControlClient(target: .unixSocket(path: path), group: group)
        let answer = client.send(method: "GET", target: ControlEndpoint.snapshot.request.target)
        guard let (status, body) = try? answer.wait(), status == 200 else { return "(no snapshot)" }
        guard let snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(body)) else {
            return "(not control API version \(ControlContract.schemaVersion))"
        }
        guard let ray = snapshot.router.ray else { return snapshot.mode.description }
        return "\(snapshot.mode) \(ray.handleSource)"
    }
}
