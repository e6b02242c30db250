import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The smaller incident findings (issue 19) that need the built binary: keys as a real terminal
/// sends them, refusals before anything starts, attaching without a name, and the log.
@Suite("incident details (built binary)", .serialized)
struct IncidentDetailsEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test("Home and End move to the first and last replica under TERM=xterm-256color in tmux")
    func homeAndEndUnderXterm() async throws {
        let binary = try #require(DashboardBinary.require())
        let tmux = try TmuxSession(columns: 80, rows: 24, command: TmuxSession.quote(binary) + " --seed 1",
                                   terminal: "xterm-256color")
        defer { tmux.kill() }
        try await tmux.waitForScreen("the replica table") { $0.contains("▶r1 ") }
        // tmux sends ESC [4~ and ESC [1~, which the xterm-256color entry does not name.
        try tmux.press("End")
        try await tmux.waitForScreen("End to select the last replica", timeout: .seconds(10)) { $0.contains("▶r8 ") }
        try tmux.press("Home")
        try await tmux.waitForScreen("Home to select the first replica", timeout: .seconds(10)) { $0.contains("▶r1 ") }
        try tmux.press("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test("without a terminal the refusal comes before anything starts: no log, journal or socket", arguments: [
        [String](), ["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:9"],
    ])
    func noTerminalStartsNothing(arguments: [String]) throws {
        let binary = try #require(DashboardBinary.require())
        let state = directory.appendingPathComponent("state"), runtime = directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: runtime.path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let run = try CommandRun.run("/usr/bin/env", [
            "XDG_STATE_HOME=\(state.path)", "XDG_RUNTIME_DIR=\(runtime.path)", binary,
        ] + arguments)
        #expect(run.status == 2)
        #expect(run.standardError.hasPrefix("routertop: standard input and output are not a terminal"), "\(run.standardError)")
        #expect(run.standardError.split(separator: "\n").count == 1)
        #expect(run.standardError.components(separatedBy: "routertop:").count == 2, "the program is named once")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: state.path).isEmpty, "no log and no journal")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: runtime.path).isEmpty, "no control socket or lock")
    }

    @Test("attach --help says how to pass a token")
    func attachHelpNamesTheToken() throws {
        let binary = try #require(DashboardBinary.require())
        let run = try CommandRun.run(binary, ["attach", "--help"])
        #expect(run.status == 0)
        let text = run.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("ROUTERTOP_ADMIN_TOKEN=TOKEN routertop attach http://HOST:PORT"), "\(run.standardOutput)")
    }

    @Test("a bare attach: none running says so, exactly one is attached to, several are named")
    func bareAttach() async throws {
        let binary = try #require(DashboardBinary.require())
        let none = try CommandRun.run("/usr/bin/env", [
            "XDG_RUNTIME_DIR=\(directory.path)", binary, "attach",
        ])
        #expect(none.status == 2)
        #expect(none.standardError == "routertop: no router is running in \(directory.path)/routertop; start one "
            + "(`routertop`, or proxy mode with --listen), or name one: routertop attach NAME|PATH|http://HOST:PORT\n")

        // The dashboard waits for the router's socket, then attaches without naming it.
        let tmux = try TmuxSession(columns: 120, rows: 30, command:
            "while [ ! -S \"$XDG_RUNTIME_DIR/routertop/solo.sock\" ]; do sleep 0.05; done; exec "
            + TmuxSession.quote(binary) + " attach")
        defer { tmux.kill() }
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        started.append(try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:9", "--headless", "--name", "solo",
             "--log-file", tmux.directory.appendingPathComponent("solo.log").path],
            directory: tmux.directory, name: "solo"))
        try await tmux.waitForScreen("the one router, attached") { $0.contains("proxy on 127.0.0.1:") && $0.contains("connected") }

        started.append(try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:9", "--headless", "--name", "duo",
             "--log-file", tmux.directory.appendingPathComponent("duo.log").path],
            directory: tmux.directory, name: "duo"))
        let duo = tmux.directory.appendingPathComponent("run/routertop/duo.sock").path
        #expect(waitFor { FileManager.default.fileExists(atPath: duo) ? true : nil } == true)
        let several = try RoutertopProcess(["attach"], directory: tmux.directory, name: "bare")
        #expect(await several.exit() == 2)
        #expect(several.standardError
            == "routertop: 2 routers are running (duo, solo); name one: routertop attach NAME (see routertop list)\n")
    }

    @Test("every log line names its router: the port it listens on, or its --name")
    func logLinesNameTheRouter() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let logFile = directory.appendingPathComponent("shared.log")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let byPort = try RoutertopProcess(["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:9", "--headless", "--log-file", logFile.path],
                                          directory: directory, name: "by-port")
        started.append(byPort)
        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: log()) }, "\(byPort.standardError)")
        let named = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:9", "--headless", "--name", "edge-1", "--log-file", logFile.path],
            directory: directory, name: "named")
        started.append(named)
        #expect(waitFor { log().contains("router=edge-1 routertop.proxy: routertop proxy listening on") ? true : nil } == true,
                "\(log())")
        let lines = log().split(separator: "\n")
        #expect(lines.contains { $0.contains(" router=\(port) routertop.proxy: routertop proxy listening on 127.0.0.1:\(port)") },
                "\(log())")
        #expect(lines.allSatisfy { $0.contains(" router=") }, "\(log())")
    }
}
