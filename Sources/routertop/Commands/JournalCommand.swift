import ArgumentParser
import Foundation
import RouterAPI
import RouterControlServer
import RouterFleet
import RouterJournal

/// `routertop journal`: prints a router's change journal without attaching to it.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Print a router's change journal: who changed what, old → new, applied or refused."
    )

    @Option(help: ArgumentHelp("The router's name (its journal is $XDG_STATE_HOME/routertop/NAME.journal.jsonl).",
                               valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The journal file to read.", valueName: "path"))
    var journal: String?

    @Flag(help: "Print each entry as its JSON line.")
    var json = false

    @Option(help: ArgumentHelp("Open one rollout: its parts in every journal of this user's routers, in time order.",
                               valueName: "id"))
    var rollout: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        if name != nil, journal != nil { failStartup("give --name or --journal, not both") }
        if let rollout {
            return openRollout(rollout, environment: environment)
        }
        let routerName = name ?? "default"
        if let problem = ControlSocketPath.checkName(routerName) { failStartup(problem.description) }
        let path = journal ?? JournalPath.directory(environment: environment) + "/\(routerName).journal.jsonl"
        guard FileManager.default.fileExists(atPath: path) else {
            failStartup("there is no journal at \(path); give --name or --journal")
        }
        let contents = JournalReader.read(journal: path)
        for problem in contents.problems {
            FileHandle.standardError.write(Data("routertop: \(oneLine(problem))\n".utf8))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if json {
            for entry in contents.entries {
                if let line = try? encoder.encode(entry) { print(oneLine(String(decoding: line, as: UTF8.self), style: .json)) }
            }
        } else {
            // A rollout is one line where its first part stood; --rollout ID opens it.
            for line in RolloutJournal(journals: [(routerName, contents.entries)]).lines {
                switch line {
                case .entry(_, let entry): print(oneLine(entry.line))
                case .rollout(let rollout):
                    print(oneLine("\(rollout.line) (routertop journal --rollout \(rollout.id) opens it)"))
                }
            }
        }
        if contents.entries.isEmpty, !json { print(oneLine("the journal \(path) is empty")) }
    }

    /// Every part of one rollout across the journals in the state directory (or the one given).
    private func openRollout(_ id: String, environment: [String: String]) {
        let directory = JournalPath.directory(environment: environment)
        let paths: [String]
        if let journal {
            paths = [journal]
        } else if let name {
            paths = [directory + "/\(name).journal.jsonl"]
        } else {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            paths = files.filter { $0.hasSuffix(".journal.jsonl") }.sorted().map { directory + "/" + $0 }
        }
        let journals = paths.map { path -> (router: String, entries: [JournalEntry]) in
            let file = (path as NSString).lastPathComponent
            let router = file.hasSuffix(".journal.jsonl") ? String(file.dropLast(".journal.jsonl".count)) : file
            return (router, JournalReader.read(journal: path).entries)
        }
        guard let rollout = RolloutJournal(journals: journals).rollout(id) else {
            failStartup("no journal in \(journal ?? directory) has a part of rollout \(id)")
        }
        print(oneLine(rollout.line))
        for part in rollout.parts { print(oneLine("  \(part.router): \(part.entry.line)")) }
    }
}
