import Foundation
import Testing

/// What the binary says about itself: its version, where the default command's options are, and
/// each default printed once.
struct CommandLineHelpTests {
    @Test func versionIsPrinted() throws {
        let binary = try #require(DashboardBinary.require())
        let run = try CommandRun.run(binary, ["--version"])
        #expect(run.status == 0)
        #expect(run.standardOutput == "routertop 0.1.0\n")
    }

    @Test func rootHelpSaysWhereTheWatchOptionsAre() throws {
        let binary = try #require(DashboardBinary.require())
        let run = try CommandRun.run(binary, ["--help"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("routertop watch --help"))
    }

    @Test func replicaHelpPrintsEachDefaultOnce() throws {
        let binary = try #require(DashboardBinary.require())
        let run = try CommandRun.run(binary, ["replica", "--help"])
        #expect(run.status == 0)
        let options = try #require(run.standardOutput.components(separatedBy: "OPTIONS:").last)
        // Each option's text runs from its name to the next option's name.
        let names = ["--max-ongoing", "--service-ms", "--jitter-ms", "--probe-path", "--max-models", "--model-load-ms", "--no-queue-length-endpoint"]
        for (name, next) in zip(names, names.dropFirst()) {
            let text = options.components(separatedBy: "  " + name + " ").dropFirst().first?
                .components(separatedBy: "  " + next).first ?? ""
            #expect(text.components(separatedBy: "default").count == 2, "\(name): \(text)")
        }
    }

    /// A command line that does not parse is refused like any other bad input at start.
    @Test func anUnknownOptionStopsWithStatusTwoAndOneLine() throws {
        let binary = try #require(DashboardBinary.require())
        for arguments in [["--bogus"], ["replica", "--max-ongoing"], ["watch", "--seed", "soon"]] {
            let run = try CommandRun.run(binary, arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.standardOutput.isEmpty, "\(arguments)")
            #expect(run.standardError.hasPrefix("routertop: "), "\(arguments): \(run.standardError)")
            #expect(run.standardError.filter { $0 == "\n" }.count == 1, "\(arguments): \(run.standardError)")
        }
    }

    @Test func dumbTerminalIsRefusedWithAdvice() throws {
        let binary = try #require(DashboardBinary.require())
        // Under `script` both ends are a terminal; only TERM says it cannot be driven.
        let script = try #require(["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let run = try CommandRun.run("/usr/bin/env", ["TERM=dumb", script, "-qec", "\(binary) --log-file /dev/null", "/dev/null"])
        #expect(run.status == 2)
        #expect(run.standardOutput.contains("TERM=dumb cannot place the cursor"))
    }
}
