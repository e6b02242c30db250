import Foundation
import RouterAPI
import Testing

/// The settings commands as one typed group: what changes settings, and how each travels.
struct SettingsCommandTests {
    static let faster: RouterSettings = {
        var settings = RouterSettings.defaults
        settings.initialBackoff = 0.01
        return settings
    }()

    static let every: [SettingsCommand] = [
        .apply(faster), .undo, .applyOnTrial(faster, seconds: 30, session: nil), .confirm,
        .revert(faster, entry: 7), .endSession("s1"),
    ]

    @Test("a router command changes the settings exactly when its settings command does")
    func changesSettings() {
        #expect(Self.every.filter(\.changesSettings).count == 5)
        #expect(!SettingsCommand.endSession("s1").changesSettings, "ending a session changes nothing by itself")
        for command in Self.every {
            #expect(RouterCommand.settings(command).changesSettings == command.changesSettings, "\(command)")
        }
        let others: [RouterCommand] = [
            .setLoad(requestsPerSecond: 10), .addReplica(address: nil), .removeReplica("r1"), .drainReplica("r1"),
            .undrainReplica("r1"), .injectFault("r1", .kill), .recover("r1"), .stopRouting,
        ]
        #expect(others.allSatisfy { !$0.changesSettings })
    }

    @Test("the settings commands a client sends come back from their endpoint as the same command",
          arguments: [SettingsCommand.apply(faster), .undo, .applyOnTrial(faster, seconds: 30, session: nil), .confirm])
    func travelsOverTheControlAPI(command: SettingsCommand) throws {
        let (endpoint, body) = ControlCommands.request(for: .settings(command))
        let parsed = try ControlCommands.command(for: endpoint, body: body, settings: .defaults).get()
        #expect(parsed == .settings(command))
    }
}
