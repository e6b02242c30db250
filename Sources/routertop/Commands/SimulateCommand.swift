import ArgumentParser
import Foundation
import RouterEngine
import RouterSimulation

/// `routertop simulate`: replays a scenario on virtual time and prints what happened.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scenario file, or replay a recording, on virtual time and print the result.",
        discussion: """
            Deterministic: the same file, settings and seed give byte-identical output. Settings come \
            from the environment, then the file's [router] table, then flags. A replay (--replay, a \
            file from GET /v1/recording or the dashboard's W) runs as recorded when no setting flag is \
            given; setting flags replace the recorded settings for the whole replay.
            """
    )

    @Option(help: "The scenario file (TOML).")
    var scenario: String?

    @Option(help: ArgumentHelp("Replay a recording of a router's traffic (JSON) instead of a scenario.", valueName: "FILE"))
    var replay: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Sleep before the first retry too (the legacy policy, for comparison only).")
    var legacyBackoff = false

    @Flag(help: "Route requests for models by plain power of two choices, ignoring which replica holds which model (for comparison).")
    var noMultiplex = false

    @Option(help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Write every request's decision trace to FILE, one JSON object a line.", valueName: "FILE"))
    var trace: String?

    @OptionGroup var settings: SettingOptions

    func run() throws {
        if let replay {
            if scenario != nil { failStartup("--scenario and --replay cannot be used together; give one") }
            return try runReplay(replay)
        }
        guard let scenario else { failStartup("give --scenario FILE (a scenario) or --replay FILE (a recording)") }
        let environment = ProcessInfo.processInfo.environment
        let base: RouterSettings
        var flags: [RouterSettingKey: Double] = [:]
        do {
            // The display's variables are checked too, as every command checks them, though a run draws nothing.
            base = try Startup.resolve(environment: environment).router
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
            multiplexRouting: noMultiplex ? false : nil,
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

    /// The most bytes a recording file may have (a full standard recording is far smaller).
    static let maxRecordingBytes = 512 * 1024 * 1024

    private func runReplay(_ path: String) throws {
        if seed != nil { failStartup("--seed does not apply to --replay: a recording replays the router's own random state") }
        if noMultiplex { failStartup("--no-multiplex does not apply to --replay") }
        let recording: Recording
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > Self.maxRecordingBytes {
                failStartup("--replay \(path) is \(size) bytes; a recording is at most \(Self.maxRecordingBytes)")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            recording = try JSONDecoder().decode(Recording.self, from: data)
        } catch let error as DecodingError {
            failStartup("--replay \(path) is not a routertop recording (\(DecodingProblem.describe(error)))")
        } catch {
            failStartup("--replay \(path) cannot be read (\(error.localizedDescription))")
        }
        let plan: ReplayPlan
        do {
            plan = try ReplayPlan(recording)
        } catch {
            failStartup("--replay \(path) cannot be replayed: \(error.description)")
        }
        var fixed: RouterSettings?
        if !settings.texts.isEmpty {
            var chosen = recording.settings
            do {
                for (key, text) in settings.texts {
                    chosen[key] = try SettingsValidator.value(text, for: key, subject: "--\(key.flag)")
                }
                try SettingsValidator.validate(chosen) { "--\($0.flag)" }
            } catch {
                failStartup(error.description)
            }
            fixed = chosen
        }
        var writer: TraceFileWriter?
        if let trace {
            do {
                writer = try TraceFileWriter(path: trace)
            } catch {
                failStartup(error.description)
            }
        }
        let report = RecordingReplay.run(
            plan, settings: fixed, legacyBackoff: legacyBackoff ? true : nil,
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
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(ScenarioReportText.render(report, file: path, kind: "replay"))
            print(ScenarioReportText.recordedLine(recording.observed))
        }
    }
}

/// A decoding error in words: what is wrong and where.
enum DecodingProblem {
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)) has no \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
