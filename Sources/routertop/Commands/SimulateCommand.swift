import ArgumentParser
import Foundation
import RouterEngine

/// `routertop simulate`: replays a scenario on virtual time and prints what happened.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scenario file on virtual time and print the result.",
        discussion: """
            Deterministic: the same file, settings and seed give byte-identical output. Settings come \
            from the environment, then the file's [router] table, then flags.
            """
    )

    @Option(help: "The scenario file (TOML).")
    var scenario: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Sleep before the first retry too (the legacy policy, for comparison only).")
    var legacyBackoff = false

    @Option(help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Write every request's decision trace to FILE, one JSON object a line.", valueName: "FILE"))
    var trace: String?

    @OptionGroup var settings: SettingOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let base: RouterSettings
        var flags: [RouterSettingKey: Double] = [:]
        do {
            base = try StartupConfiguration.resolve(environment: environment).router
            for (key, text) in settings.texts {
                flags[key] = try SettingsValidator.value(text, for: key, subject: "--\(key.flag)")
            }
        } catch {
            failStartup(error.description)
        }
        var loaded: Scenario
        do {
            loaded = try ScenarioParser.load(path: scenario)
        } catch {
            failStartup(error.description)
        }
        if let seed { loaded.seed = seed }
        let effective: RouterSettings
        do {
            effective = try ScenarioRunner.settings(for: loaded, base: base, flags: flags)
        } catch {
            failStartup(error.description)
        }
        var writer: TraceFileWriter?
        if let trace {
            do {
                writer = try TraceFileWriter(path: trace)
            } catch {
                failStartup(error.description)
            }
        }
        let report = ScenarioRunner.run(
            loaded, settings: effective, legacyBackoff: legacyBackoff ? true : nil,
            trace: writer.map { writer in { writer.write($0) } }
        )
        if let writer {
            do {
                try writer.close()
            } catch {
                failStartup(error.description)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let data = try encoder.encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ScenarioReportText.render(report, file: scenario))
        }
    }
}
