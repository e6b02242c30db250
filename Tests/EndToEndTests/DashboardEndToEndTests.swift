import Foundation
import Testing

/// Drives the built binary in tmux the way an operator would: the simulated fleet at 120×40.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; these tests drive the dashboard in tmux"))
struct DashboardEndToEndTests {
    /// Starts the dashboard; nil (with a recorded issue) when the binary is not built.
    ///
    /// - Parameter prefix: shell words before the binary, such as `LC_ALL=C` or `sh -c '…' `.
    private func startDashboard(prefix: String = "", suffix: String = "", columns: Int = 120, rows: Int = 40) throws -> TmuxSession? {
        guard let binary = DashboardBinary.require() else { return nil }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString).log")
        return try TmuxSession(
            columns: columns, rows: rows,
            command: "\(prefix)\(TmuxSession.quote(binary)) --log-file \(TmuxSession.quote(log.path))\(suffix)"
        )
    }

    private static func isReplicaTable(_ screen: String) -> Bool {
        screen.contains("replica node/zone") && row(of: "r1", in: screen) != nil && row(of: "r8", in: screen) != nil
    }

    /// The table row of replica `id` (the first column is the selection mark).
    private static func row(of id: String, in screen: String) -> Substring? {
        screen.split(separator: "\n").first { $0.dropFirst().hasPrefix(id + " ") }
    }

    @discardableResult
    private func waitForReplicaTable(_ tmux: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        try await tmux.waitForScreen("the replica table", sourceLocation: sourceLocation, until: Self.isReplicaTable)
    }

    private func quit(_ tmux: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try tmux.press("q")
        #expect(try await tmux.waitForExit(sourceLocation: sourceLocation) == 0, sourceLocation: sourceLocation)
    }

    @Test func showsTheReplicaTableAndQuitsWithStatusZero() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        try await quit(tmux)
    }

    @Test func editorAppliesANewInitialBackoff() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard let before = try await waitForReplicaTable(tmux) else { return }
        #expect(before.contains("backoff 0.025s"))

        try tmux.press("e")
        try await tmux.waitForScreen("the parameter editor") { $0.contains("initial backoff (s)") }
        try tmux.press("DC")  // clears the field
        try tmux.type("0.01")
        try await tmux.waitForScreen("the typed value in the form") { $0.contains("0.01_") }
        try tmux.press("Enter")

        try await tmux.waitForScreen("the new value in the header, marked as changed") { screen in
            screen.split(separator: "\n").prefix(3).contains { $0.contains("backoff 0.01s*") }
        }
        try await tmux.waitForScreen("the edit in the event log") { $0.contains("0.025 → 0.01") }
        try await quit(tmux)
    }

    @Test func editorRefusesAMaxBackoffBelowTheInitialOneAndChangesNothing() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }

        try tmux.press("e")
        try await tmux.waitForScreen("the parameter editor") { $0.contains("max backoff (s)") }
        try tmux.press("Tab", "Tab", "DC")  // to max backoff, and clear it
        try tmux.type("0.001")
        try await tmux.waitForScreen("the reason the value is refused") {
            $0.contains("0.001") && $0.contains("is below the initial backoff 0.025")
        }
        try tmux.press("Enter")
        try await tmux.waitForScreen("the apply refused") { $0.contains("not applied") }
        try tmux.press("Escape")
        let after = try await tmux.waitForScreen("the table back, settings unchanged") { screen in
            Self.isReplicaTable(screen) && !screen.contains("initial backoff (s)")
        }
        #expect(after?.contains("backoff 0.025s ×2 max 0.5s") == true)
        #expect(after?.contains("changed since start") == false)
        try await quit(tmux)
    }

    @Test func injectedFaultsChangeTheReplicaStates() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }

        try tmux.press("u")  // the selected replica, r1, becomes unavailable
        try await tmux.waitForScreen("r1 unavailable") { Self.row(of: "r1", in: $0)?.contains("unavailable") == true }
        try tmux.press("Down", "x", "y")  // r2 is killed (x asks first)
        try await tmux.waitForScreen("r2 dead") { screen in
            Self.row(of: "r2", in: screen).map { $0.contains("dead") } ?? !screen.contains(" r2 ")
        }
        try await quit(tmux)
    }

    @Test func readOnlyFromTheEnvironmentRefusesFaults() async throws {
        guard let tmux = try startDashboard(prefix: "ROUTERTOP_READONLY=1 ") else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        #expect(try tmux.capture().contains("READ-ONLY"))
        try tmux.press("u")
        try await tmux.waitForScreen("the refusal") { $0.lowercased().contains("refused") }
        #expect(Self.row(of: "r1", in: try tmux.capture())?.contains("unavailable") == false)
        try tmux.press("F10")  // quits like q
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test func shrinksToTheTooSmallLineAndComesBackWithTheFormKept() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        try tmux.press("e", "DC")
        try tmux.type("0.3")
        try await tmux.waitForScreen("the typed value") { $0.contains("0.3_") }

        try tmux.resize(columns: 30, rows: 8)
        try await tmux.waitForScreen("the too-small line") { $0.contains("too small") && !$0.contains("initial backoff") }
        try tmux.resize(columns: 120, rows: 40)
        try await tmux.waitForScreen("the form as it was") { $0.contains("initial backoff (s)") && $0.contains("0.3_") }
        try tmux.press("Escape")
        try await waitForReplicaTable(tmux)
        try await quit(tmux)
    }

    @Test func nonUTF8LocaleDrawsInASCII() async throws {
        guard let tmux = try startDashboard(prefix: "LC_ALL=C LANG=C ") else { return }
        defer { tmux.kill() }
        guard let screen = try await waitForReplicaTable(tmux) else { return }
        let nonASCII = screen.unicodeScalars.filter { !$0.isASCII }
        #expect(nonASCII.isEmpty, "non-ASCII on screen:\n\(screen)")
        try await quit(tmux)
    }

    /// Runs the dashboard so that its pid, its exit status and the terminal modes after it ended
    /// can be read, then sends it `signal` once the table is up.
    private func signalDashboard(_ signal: String) async throws -> (status: Int32?, modes: String)? {
        try await signalDashboard(signal, afterExit: nil)
    }

    /// As above; `afterExit`, when given, sees the pane after the program ended while the shell
    /// that ran it still holds the pane open (tmux shows no cursor on a dead pane), then the shell
    /// is let go.
    private func signalDashboard(
        _ signal: String, afterExit: ((TmuxSession) throws -> Void)?
    ) async throws -> (status: Int32?, modes: String)? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pidFile = folder.appendingPathComponent("pid")
        let statusFile = folder.appendingPathComponent("status")
        let modesFile = folder.appendingPathComponent("modes")
        let heldFile = folder.appendingPathComponent("held")
        let hold = afterExit == nil ? "" : "; touch \(heldFile.path); read held"
        // The shell writes its pid and becomes routertop, so the signal goes to routertop itself.
        guard let tmux = try startDashboard(
            prefix: "sh -c 'echo $$ > \(pidFile.path); exec \"$@\"' sh ",
            suffix: "; echo $? > \(statusFile.path); stty -a > \(modesFile.path)\(hold)"
        ) else { return nil }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return nil }
        let pid = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try CommandRun.run("/bin/kill", ["-\(signal)", pid]).status == 0)
        if let afterExit {
            let deadline = ContinuousClock.now + .seconds(20)
            while !FileManager.default.fileExists(atPath: heldFile.path) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try #require(FileManager.default.fileExists(atPath: heldFile.path), "routertop did not end after SIG\(signal)")
            try afterExit(tmux)
            try tmux.press("Enter")
        }
        guard try await tmux.waitForExit() != nil else { return nil }
        // endwin left the alternate screen: the dashboard is gone from the pane.
        #expect(!Self.isReplicaTable(try tmux.capture()))
        let status = Int32(try String(contentsOf: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        return (status, try String(contentsOf: modesFile, encoding: .utf8))
    }

    /// Whether `stty -a` output shows a terminal in its usual cooked mode, echoing.
    private static func isCooked(_ modes: String) -> Bool {
        let flags = Set(modes.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        return flags.contains("icanon") && flags.contains("echo")
    }

    @Test(arguments: ["TERM", "INT", "HUP"])
    func stopSignalRestoresTheTerminalAndExitsZero(signal: String) async throws {
        guard let (status, modes) = try await signalDashboard(signal) else { return }
        #expect(status == 0)
        #expect(Self.isCooked(modes), "terminal modes after exit: \(modes)")
    }

    @Test func crashRestoresTheTerminalBeforeItEnds() async throws {
        guard let (status, modes) = try await signalDashboard("SEGV") else { return }
        #expect(status == 128 + SIGSEGV)
        #expect(Self.isCooked(modes), "terminal modes after the crash: \(modes)")
    }

    /// Signals whose default action ends the process (Ctrl-\\ sends SIGQUIT) once left the
    /// terminal in the alternate screen, raw, with the cursor hidden.
    @Test(arguments: [("QUIT", SIGQUIT), ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("ALRM", SIGALRM)])
    func aSignalThatEndsTheProcessRestoresTheTerminalFirst(signal: String, number: Int32) async throws {
        var cursorShown = ""
        var alternateScreen = ""
        guard let (status, modes) = try await signalDashboard(signal, afterExit: { tmux in
            cursorShown = try tmux.paneFormat("#{cursor_flag}")
            alternateScreen = try tmux.paneFormat("#{alternate_on}")
        }) else { return }
        #expect(status == 128 + number, "it still ends by the signal it got")
        #expect(Self.isCooked(modes), "terminal modes after SIG\(signal): \(modes)")
        #expect(cursorShown == "1", "the cursor is visible again")
        #expect(alternateScreen == "0", "the alternate screen was left")
    }

    @Test func aBrokenPipeSignalIsIgnored() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pidFile = folder.appendingPathComponent("pid")
        guard let tmux = try startDashboard(prefix: "sh -c 'echo $$ > \(pidFile.path); exec \"$@\"' sh ") else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        let pid = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try CommandRun.run("/bin/kill", ["-PIPE", pid]).status == 0)
        // Killed by SIGPIPE, the status would be 141 and the q would reach no one.
        try tmux.press("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test func unknownTerminalTypeExitsTwoNamingIt() async throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errors) }
        guard let tmux = try startDashboard(
            prefix: "TERM=no-such-terminal ", suffix: " 2> \(TmuxSession.quote(errors.path))"
        ) else { return }
        defer { tmux.kill() }
        #expect(try await tmux.waitForExit() == 2)
        let message = try String(contentsOf: errors, encoding: .utf8)
        #expect(message.split(separator: "\n").count == 1)
        #expect(message.contains("TERM=no-such-terminal"))
    }

    @Test func standardInputNotATerminalExitsTwoWithOneLine() async throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errors) }
        guard let tmux = try startDashboard(suffix: " < /dev/null 2> \(TmuxSession.quote(errors.path))") else { return }
        defer { tmux.kill() }
        #expect(try await tmux.waitForExit() == 2)
        let message = try String(contentsOf: errors, encoding: .utf8)
        #expect(message.split(separator: "\n").count == 1)
        #expect(message.contains("standard input is not a terminal"))
        #expect(message.contains("routertop simulate --scenario Scenarios/burst.toml"))
        #expect(message.contains("--headless"))
    }
}
