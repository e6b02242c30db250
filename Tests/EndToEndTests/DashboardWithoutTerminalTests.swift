import Foundation
import Testing

/// The dashboard's refusals that need no terminal at all.
struct DashboardWithoutTerminalTests {
    @Test func filesInsteadOfATerminalExitTwoWithOneLine() throws {
        guard let binary = DashboardBinary.require() else { return }
        let run = try CommandRun.run(binary, [])
        #expect(run.status == 2)
        #expect(run.standardOutput.isEmpty)
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(run.standardError.contains("not a terminal"))
        #expect(run.standardError.contains("routertop simulate --scenario Scenarios/burst.toml"))
    }

    @Test func unknownThemeExitsTwoNamingIt() throws {
        guard let binary = DashboardBinary.require() else { return }
        let run = try CommandRun.run(binary, ["--theme", "no-such-theme"])
        #expect(run.status == 2)
        #expect(run.standardError.contains("no-such-theme"))
        #expect(run.standardError.split(separator: "\n").count == 1)
    }
}
