#if DEBUG
@testable import Dashboard
#else
import Dashboard
#endif
import Foundation
import TOMLInput
import RouterEngine
import RouterSimulation
import RouterHTTP

/// The three kinds of TOML file routertop reads, read as the program reads them.
enum FileTargets {
    /// A scenario: read, checked, and run for a bounded number of steps, so odd fleets (huge
    /// service times, zero-time replicas) also reach the simulator.
    static func scenario(_ bytes: UnsafeRawBufferPointer) {
        guard let text = try? TOMLDocument.text(of: Data(bytes)),
              let scenario = try? ScenarioParser.parse(text, file: "fuzz.toml"),
              let settings = try? ScenarioRunner.settings(for: scenario, base: .defaults)
        else { return }
        _ = ScenarioRunner.run(scenario, settings: settings, maxSteps: 2_000)
    }

    static func replicas(_ bytes: UnsafeRawBufferPointer) {
        guard let text = try? TOMLDocument.text(of: Data(bytes)) else { return }
        _ = ReplicaFile.parse(text, name: "fuzz.toml")
    }

    /// Theme files are parsed by an internal type, reachable only from a debug build (with
    /// testing enabled); `make fuzz` builds one.
    static func theme(_ bytes: UnsafeRawBufferPointer) {
        #if DEBUG
        guard let text = try? TOMLDocument.text(of: Data(bytes)) else { return }
        _ = try? ThemeDocument(text: text, file: "fuzz.toml")
        #endif
    }
}
