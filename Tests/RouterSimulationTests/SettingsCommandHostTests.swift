import Testing
@testable import RouterEngine
@testable import RouterSimulation

/// A host hands every settings command to the engine's one entry (`Router.perform(settings:by:)`)
/// as it is: the same sequence through the host and straight into the engine ends the same way.
struct SettingsCommandHostTests {
    static func host() -> (SimulationHost, VirtualScheduler) {
        let scheduler = VirtualScheduler()
        return (standardFleetHost(on: scheduler), scheduler)
    }

    @Test("every settings command gives the same result through the host as through the engine")
    func hostAndEngineAgree() {
        var faster = RouterSettings.defaults
        faster.initialBackoff = 0.01
        var invalid = RouterSettings.defaults
        invalid.backoffMultiplier = 0.5
        let commands: [SettingsCommand] = [
            .apply(faster), .undo, .undo, .apply(invalid), .applyOnTrial(faster, seconds: 30, session: "s1"),
            .apply(.defaults), .confirm, .confirm, .applyOnTrial(.defaults, seconds: 30, session: "s1"),
            .endSession("s2"), .endSession("s1"), .revert(faster, entry: 1),
        ]
        let origin = CommandOrigin(user: "alice")
        let (viaHost, hostScheduler) = Self.host()
        let (direct, directScheduler) = Self.host()
        defer {
            viaHost.shutdown()
            direct.shutdown()
        }
        var results: [CommandResult] = []
        for command in commands {
            let hosted = viaHost.perform(.settings(command), by: origin)
            let engine = direct.router.perform(settings: command, by: origin)
            #expect(hosted == engine, "\(command)")
            results.append(hosted)
            hostScheduler.advance(by: .milliseconds(100))
            directScheduler.advance(by: .milliseconds(100))
        }
        #expect(viaHost.snapshot().settings == direct.snapshot().settings)
        // The sequence met every kind of answer, so the agreement above means something.
        #expect(results.first == .done("settings applied"))
        #expect(results[2] == .refused("no parameter change to undo"))
        #expect(results.contains { if case .refused(let reason) = $0 { reason.contains("is below 1") } else { false } })
        #expect(viaHost.snapshot().settings == faster, "the revert is the last word")
    }
}
