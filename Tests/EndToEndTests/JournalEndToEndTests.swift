import Foundation
import RouterAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The change journal on the built binary: changes through the API and an attached dashboard
/// survive SIGKILL with who and old → new, the restart warns of the drift, `--resume`
/// brings them back, and a trial over the API reverts by itself.
@Suite("the change journal (built binary)", .serialized)
struct JournalEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-journal-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    private func router(
        _ socket: String, journal: String, replicaPort: Int = 9, extra: [String] = [], name: String
    ) throws -> RoutertopProcess {
        try RoutertopProcess(["--listen", "127.0.0.1:0", "--headless", "--replica", "http://127.0.0.1:\(replicaPort)",
                              "--control", socket, "--journal", journal] + extra,
                             directory: directory, name: name)
    }

    @Test(.enabled(if: TmuxSession.isAvailable, "tmux drives the attached dashboard"))
    func changesSurviveSIGKILLWithWhoAndTheRestartWarnsAndResumes() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let socket = directory.appendingPathComponent("journaled.sock").path
        let journal = directory.appendingPathComponent("journaled.journal.jsonl").path
        let api = ControlAPI(socket: socket)
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                           directory: directory, name: "replica")
        defer { replica.stop() }
        let port = try #require(waitFor { listeningPort(in: replica.standardError) })

        let first = try router(socket, journal: journal, replicaPort: port, name: "first")
        defer { first.stop() }
        #expect(waitFor { api.snapshot() } != nil, "the router answers on its socket")
        let put = api.send("PUT", "/v1/settings", #"{"max_backoff_s": 2}"#)
        #expect(put?.status == 200)

        let dashboard = try TmuxSession(columns: 120, rows: 36,
                                        command: "\(TmuxSession.quote(PackagePaths.routertop)) attach \(TmuxSession.quote(socket))")
        defer { dashboard.kill() }
        try await dashboard.waitForScreen("the attached dashboard") { $0.contains("connected") }
        try dashboard.press("e")
        try await dashboard.waitForScreen("the parameter editor") { $0.contains("initial backoff (s)") }
        try dashboard.press("DC")
        try dashboard.type("0.01")
        try dashboard.press("Enter")
        #expect(waitFor { api.settings()?.initialBackoff == 0.01 ? true : nil } == true)
        dashboard.kill()

        first.signal(SIGKILL)
        #expect(first.waitForExit() != nil)

        let printed = try RoutertopProcess(["journal", "--journal", journal, "--json"], directory: directory, name: "print")
        #expect(printed.waitForExit() == 0)
        let lines = try String(contentsOf: directory.appendingPathComponent("print.stderr"), encoding: .utf8)
        #expect(lines.isEmpty, "the journal reads without problems")
        let entries = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8))
        }
        let login = String(cString: getpwuid(getuid()).pointee.pw_name)
        try #require(entries.count == 2)
        #expect(entries[0].who.via == .api)
        #expect(entries[0].who.login == login)
        #expect(entries[0].who.uid == UInt32(getuid()))
        #expect(entries[0].change.old.settings?.maxBackoff == 0.5)
        #expect(entries[0].change.new.settings?.maxBackoff == 2)
        #expect(entries[1].who.via == .attach)
        #expect(entries[1].change.old.settings?.initialBackoff == 0.025)
        #expect(entries[1].change.new.settings?.initialBackoff == 0.01)
        #expect(entries.allSatisfy { $0.result == .applied })

        let second = try router(socket, journal: journal, replicaPort: port, name: "second")
        defer { second.stop() }
        let warning = waitFor { second.standardError.split(separator: "\n").first { $0.contains("are not in effect") } }
        #expect(warning?.contains("by \(login) are not in effect: initial backoff (s) 0.01 (now 0.025), max backoff (s) 2 (now 0.5)") == true)
        #expect(waitFor { api.snapshot()?.events.contains { $0.kind == .warning && $0.message.contains("are not in effect") } == true ? true : nil } == true)
        #expect(api.settings()?.initialBackoff == 0.025, "without --resume the environment's settings apply")
        _ = api.send("POST", "/v1/stop")
        #expect(second.waitForExit(timeout: .seconds(40)) == 0)

        let third = try router(socket, journal: journal, replicaPort: port, extra: ["--resume"], name: "third")
        defer { third.stop() }
        #expect(waitFor { api.settings() }?.initialBackoff == 0.01)
        #expect(api.settings()?.maxBackoff == 2)

        // A trial over the API reverts by itself, journaled with why; reverting to entry 1 is an entry too.
        let trial = api.send("PUT", "/v1/settings?confirm_within_s=1", #"{"backoff_multiplier": 3}"#)
        #expect(trial?.status == 200)
        #expect(api.send("PUT", "/v1/settings?confirm_within_s=5", #"{"backoff_multiplier": 4}"#)?.status == 400)
        #expect(waitFor { api.settings()?.backoffMultiplier == 2 ? true : nil } == true)
        let revert = api.send("POST", "/v1/journal/1/revert")
        #expect(revert?.status == 200)
        #expect(api.settings()?.initialBackoff == 0.025)
        #expect(api.settings()?.maxBackoff == 2)
        let reply = try #require(api.send("GET", "/v1/journal?after=2"))
        let read = try JSONDecoder().decode(JournalReply.self, from: Data(reply.body.utf8))
        #expect(read.entries.map(\.change.verb) == ["trial", "trial", "revert", "revert"])
        #expect(read.entries.map(\.result) == [.applied, .refused, .applied, .applied])
        #expect(read.entries[2].note == "trial not confirmed within 1 s")
        #expect(read.entries[3].note == "back to the settings just after #1")
    }

    @Test func aSecondRouterOnTheSameJournalExitsTwoNamingTheFirstsPid() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        // Two sockets that share a base name share the default journal name; here the path is explicit.
        let journal = directory.appendingPathComponent("edge.journal.jsonl").path
        let first = try router(directory.appendingPathComponent("a.sock").path, journal: journal, name: "first")
        defer { first.stop() }
        #expect(await eventually { first.standardError.contains("journal: \(journal)") ? true : nil } == true)
        let second = try router(directory.appendingPathComponent("b.sock").path, journal: journal, name: "second")
        defer { second.stop() }
        #expect(await second.exit(within: .seconds(10)) == 2)
        #expect(second.standardError == "routertop: --journal=\(journal) is in use by another router "
            + "(pid \(first.process.processIdentifier)); give each router its own --journal (or --name)\n")
    }

    @Test func aJournalThatIsAFIFOExitsTwoAtOnce() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let journal = directory.appendingPathComponent("fifo.journal.jsonl").path
        try #require(mkfifo(journal, 0o600) == 0)
        let process = try router(directory.appendingPathComponent("fifo.sock").path, journal: journal, name: "fifo")
        defer { process.stop() }
        #expect(await process.exit(within: .seconds(10)) == 2)
        #expect(process.standardError == "routertop: --journal=\(journal) is a FIFO, not a regular file; "
            + "it must be a regular file or not exist yet\n")
    }

    /// Characters a terminal acts on instead of showing: ESC, the one-byte CSI, a right-to-left override.
    static let terminalActions: [Unicode.Scalar] = ["\u{1B}", "\u{9B}", "\u{202E}", "\u{07}"]

    static func actsOnATerminal(_ text: String) -> Bool {
        text.unicodeScalars.contains { terminalActions.contains($0) }
    }

    @Test func outsideTextReachesNoTerminalRawThroughTheLogOrTheJournal() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let socket = directory.appendingPathComponent("escapes.sock").path
        let journal = directory.appendingPathComponent("escapes.journal.jsonl").path
        let process = try router(socket, journal: journal, name: "escapes")
        defer { process.stop() }
        let api = ControlAPI(socket: socket)
        #expect(await eventually { api.settings() } != nil)
        // A URL with a title-setting escape, or a newline, is refused (the refusal is journaled and logged, escaped).
        let pwned = api.send("POST", "/v1/replicas", #"{"url": "http://127.0.0.1:9/\u001b]2;PWNED\u0007"}"#)
        #expect(pwned?.status == 409)
        #expect(pwned?.body.contains("control character U+001B") == true, "\(String(describing: pwned))")
        let split = api.send("POST", "/v1/replicas", #"{"url": "http://127.0.0.1:9/a\nb"}"#)
        #expect(split?.status == 409)
        // A claimed address is the client's word: it is kept, and escaped wherever it is printed.
        let claimed = "10.0.0.1\u{9B}31m\u{202E}gpj"
        let set = api.send("PUT", "/v1/settings", #"{"backoff_multiplier": 3}"#, headers: [("x-routertop-client-address", claimed)])
        #expect(set?.status == 200)
        let logged = await eventually { process.standardError.contains("backoff multiplier 2 → 3") ? process.standardError : nil }
        let log = try #require(logged, "the change is logged")
        #expect(!Self.actsOnATerminal(log), "the log holds no raw terminal action")
        #expect(log.contains(#"10.0.0.1\u{9B}31m\u{202E}gpj"#), "\(log)")

        let printed = try CommandRun.run(PackagePaths.routertop, ["journal", "--journal", journal])
        #expect(printed.status == 0)
        #expect(printed.standardOutput.contains(#"10.0.0.1\u{9B}31m\u{202E}gpj"#), "\(printed.standardOutput)")
        #expect(!Self.actsOnATerminal(printed.standardOutput))
        let json = try CommandRun.run(PackagePaths.routertop, ["journal", "--journal", journal, "--json"])
        #expect(!Self.actsOnATerminal(json.standardOutput))
        let entries = try json.standardOutput.split(separator: "\n").map {
            try JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8))
        }
        #expect(entries.contains { $0.who.sshClient == claimed }, "the JSON decodes to what was claimed")
    }

    @Test func aTrialUnconfirmedWhenTheRouterDiesIsRevertedAtTheNextStart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let socket = directory.appendingPathComponent("trial.sock").path
        let journal = directory.appendingPathComponent("trial.journal.jsonl").path
        let api = ControlAPI(socket: socket)
        let first = try router(socket, journal: journal, name: "trial-first")
        defer { first.stop() }
        #expect(await eventually { api.settings() } != nil)
        let trial = api.send("PUT", "/v1/settings?confirm_within_s=60", #"{"backoff_multiplier": 3}"#)
        #expect(trial?.status == 200, "\(String(describing: trial))")
        #expect(api.settings()?.backoffMultiplier == 3)
        first.signal(SIGKILL)
        #expect(await first.exit(within: .seconds(5)) != nil)

        let second = try router(socket, journal: journal, extra: ["--resume"], name: "trial-second")
        defer { second.stop() }
        let resumed = await eventually { api.settings() }
        #expect(resumed?.backoffMultiplier == 2, "the settings from before the trial, not the trial's")
        #expect(api.snapshot()?.trial == nil)
        let entries = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(JournalEntry.self, from: Data($0.utf8))
        }
        let revert = try #require(entries.last)
        #expect(revert.change.verb == "revert" && revert.who.via == .router && revert.result == .applied)
        #expect(revert.note == "reverted: router restarted during the trial (trial #1 by \(entries[0].who.login))")
        #expect(revert.change.new.settings?.backoffMultiplier == 2)
        #expect(second.standardError.contains("the settings trial of #1 by \(entries[0].who.login) was not confirmed before the router stopped; #2 reverts it"))
    }

    @Test func resumingSettingsThatNoLongerValidateExitsTwoWithTheReason() throws {
        let journal = directory.appendingPathComponent("bad.journal.jsonl").path
        var settings = RouterSettings.defaults
        settings.maxBackoff = 0.001
        let entry = JournalEntry(sequence: 1, time: "2026-12-01T10:14:03.123Z", who: JournalWho(login: "alice", via: .api),
                                 change: ChangeRecord(subject: .settings, verb: "set", old: .settings(.defaults),
                                                      new: .settings(settings)), result: .applied)
        try (String(decoding: try JSONEncoder().encode(entry), as: UTF8.self) + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        let socket = directory.appendingPathComponent("bad.sock").path
        let process = try router(socket, journal: journal, extra: ["--resume"], name: "bad")
        defer { process.stop() }
        #expect(process.waitForExit() == 2)
        #expect(process.standardError.contains("--resume: \(journal) entry #1: max_backoff_s=0.001 is below the initial backoff 0.025"))
    }
}
