import ArgumentParser
import Foundation
import RouterAPI
import RouterControlServer
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

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        if name != nil, journal != nil { failStartup("give --name or --journal, not both") }
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
        for entry in contents.entries {
            if json, let line = try? encoder.encode(entry) {
                print(oneLine(String(decoding: line, as: UTF8.self), style: .json))
            } else {
                print(oneLine(entry.line))
            }
        }
        if contents.entries.isEmpty, !json { print(oneLine("the journal \(path) is empty")) }
    }
}
