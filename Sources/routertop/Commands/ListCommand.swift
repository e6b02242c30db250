import ArgumentParser
import Foundation
import RouterControlServer

/// `routertop list`: the routers of this user that `routertop attach` can reach.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the running routers of this user that can be attached to."
    )

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = ControlSocketPath.directory(environment: environment)
        var lines: [String] = []
        for name in ControlSocketPath.names(in: directory) {
            let path = directory + "/\(name).sock"
            switch ControlSocketGuard.occupant(of: path) {
            case .live: lines.append("\(name)\t\(path)")
            case .stale: lines.append("\(name)\t\(path)\t(stale: no router answers; the next router of that name replaces it)")
            case .nothing, .other: continue
            }
        }
        if lines.isEmpty {
            print("no routers in \(directory)")
        } else {
            print(lines.joined(separator: "\n"))
        }
    }
}
