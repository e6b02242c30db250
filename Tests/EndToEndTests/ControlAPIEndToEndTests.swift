import Foundation
import RouterAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The router outlives its terminal: the control API, `routertop attach`, SIGHUP and the admin
/// listener, on the built binary.
@Suite("the router outlives its terminal (built binary)", .serialized)
struct ControlAPIEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    private func replica(_ name: String) async throws -> (RoutertopProcess, Int) {
        let process = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                           directory: directory, name: name)
        let port = try #require(await eventually { listeningPort(in: process.standardError) })
        return (process, port)
    }

    @Test(.enabled(if: TmuxSession.isAvailable, "tmux drives the dashboards"))
    func proxyModeSurvivesItsTerminalAndAttachedDashboardsShareChanges() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let (replica, replicaPort) = try await replica("replica")
        defer { replica.stop() }
        let socket = directory.appendingPathComponent("router.sock").path
        let log = directory.appendingPathComponent("router.log")
        let api = ControlAPI(socket: socket)
        defer {
            // The router runs on its own: stop it through its API, as an operator would.
            _ = api.send("POST", "/v1/stop")
            _ = waitFor { FileManager.default.fileExists(atPath: socket) ? nil : true }
        }
        let first = try TmuxSession(
            columns: 120, rows: 36,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 --replica http://127.0.0.1:\(replicaPort) "
                + "--log-file \(TmuxSession.quote(log.path)) --control \(TmuxSession.quote(socket))")
        defer { first.kill() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(await eventually { listeningPort(in: readLog()) })
        try await first.waitForScreen("the attached proxy dashboard") { $0.contains("connected") && $0.contains("proxy on 127.0.0.1:") }
        for index in 0..<5 { #expect(httpGet(port: port, path: "/before/\(index)")?.status == 200) }

        first.kill()  // the terminal goes away: SIGHUP to the dashboard
        for index in 0..<10 {
            #expect(httpGet(port: port, path: "/after/\(index)")?.status == 200, "routing goes on without the terminal")
        }
        #expect(await eventually { api.snapshot()?.totals.completed == 15 ? true : nil } == true)

        let a = try TmuxSession(columns: 120, rows: 36, command: "\(TmuxSession.quote(PackagePaths.routertop)) attach \(TmuxSession.quote(socket))")
        defer { a.kill() }
        let b = try TmuxSession(columns: 120, rows: 36, command: "\(TmuxSession.quote(PackagePaths.routertop)) attach \(TmuxSession.quote(socket))")
        defer { b.kill() }
        for dashboard in [a, b] {
            try await dashboard.waitForScreen("the replica table of the attached router") {
                $0.contains("127.0.0.1:\(replicaPort)") && $0.contains("connected")
            }
        }
        try a.press("e")
        try await a.waitForScreen("the parameter editor") { $0.contains("initial backoff (s)") }
        try a.press("DC")
        try a.type("0.01")
        try a.press("Enter")
        try await a.waitForScreen("the new value in the first dashboard") { $0.contains("backoff 0.01s*") }
        try await b.waitForScreen("the change in the second dashboard, with who made it") { screen in
            screen.contains("backoff 0.01s*") && screen.contains("set: initial backoff (s) 0.025 → 0.01 by ")
        }
        #expect(api.settings()?.initialBackoff == 0.01, "the router itself uses the edited value")
        #expect(httpGet(port: port, path: "/edited")?.status == 200)
    }

    @Test(.enabled(if: TmuxSession.isAvailable, "tmux drives the dashboards"))
    func anAttachedDashboardInjectsFaultsIntoTheSimulatedFleet() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let socket = directory.appendingPathComponent("fleet.sock").path
        let fleet = try TmuxSession(columns: 120, rows: 36, command: "\(TmuxSession.quote(PackagePaths.routertop)) --seed 3 "
            + "--control \(TmuxSession.quote(socket)) --log-file \(TmuxSession.quote(directory.appendingPathComponent("fleet.log").path))")
        defer { fleet.kill() }
        try await fleet.waitForScreen("the simulated fleet") { $0.contains("simulated fleet") && $0.contains(" r1 ") }
        let attached = try TmuxSession(columns: 120, rows: 36, command: "\(TmuxSession.quote(PackagePaths.routertop)) attach \(TmuxSession.quote(socket))")
        defer { attached.kill() }
        try await attached.waitForScreen("the fleet, attached") { $0.contains("connected") && $0.contains(" r1 ") }
        try attached.press("u")  // the selected replica, r1
        try await fleet.waitForScreen("r1's fault in the fleet's own dashboard") { screen in
            screen.split(separator: "\n").contains { $0.contains(" r1 ") && $0.contains("unavailable") }
        }
        try attached.press("q")
        #expect(try await attached.waitForExit() == 0, "q on a simulated fleet detaches at once")
        let r1 = ControlAPI(socket: socket).snapshot()?.replicas.first { $0.id.rawValue == "r1" }
        #expect(r1?.fault?.contains("unavailable") == true, "the fault stays after the attached dashboard left")
    }

    @Test func headlessSIGHUPAppliesTheReplicaFileAndABadSettingChangesNothing() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let (one, onePort) = try await replica("one")
        defer { one.stop() }
        let (two, twoPort) = try await replica("two")
        defer { two.stop() }
        let file = directory.appendingPathComponent("replicas.toml")
        try "[[replica]]\nurl = \"http://127.0.0.1:\(onePort)\"\n".write(to: file, atomically: true, encoding: .utf8)
        let socket = directory.appendingPathComponent("headless.sock").path
        let log = directory.appendingPathComponent("headless.log")
        let router = try RoutertopProcess(["--listen", "127.0.0.1:0", "--headless", "--replicas", file.path,
                                           "--control", socket, "--log-file", log.path],
                                          directory: directory, name: "router")
        defer { router.stop() }
        let api = ControlAPI(socket: socket)
        let ids = { api.snapshot().map { $0.replicas.map(\.id.rawValue) } }
        #expect(await eventually { ids() == ["127.0.0.1:\(onePort)"] ? true : nil } == true)

        try "[[replica]]\nurl = \"http://127.0.0.1:\(twoPort)\"\n".write(to: file, atomically: true, encoding: .utf8)
        router.signal(SIGHUP)
        #expect(await eventually { ids() == ["127.0.0.1:\(twoPort)"] ? true : nil } == true, "one removed, two added")
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(await eventually { readLog().contains("SIGHUP: re-read \(file.path): added 127.0.0.1:\(twoPort); removed 127.0.0.1:\(onePort)") ? true : nil } == true)

        let before = try #require(api.settings())
        let refused = try #require(api.send("PUT", "/v1/settings", #"{"backoff_multiplier": 4, "max_probe_deadline_s": 0}"#))
        #expect(refused.status == 400)
        #expect(refused.body.contains("max_probe_deadline_s=0 is zero; it must be a finite number > 0"), "\(refused.body)")
        #expect(api.settings() == before)

        let figures = await eventually(.seconds(20)) { readLog().split(separator: "\n").first { $0.contains(" req/s, failed ") } }
        let line = try #require(figures, "every 10 s a headless router logs its figures")
        #expect(line.contains("pending 0, tasks 0/2, in backoff 0, fulfilment p50 "), "\(line)")

        router.signal(SIGTERM)
        #expect(await router.exit(within: .seconds(10)) == 0)
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket goes with the router")
    }

    @Test("--admin-listen off loopback without a token is refused at start", arguments: [
        (["--admin-listen", "0.0.0.0:0"], [String: String](), "is not a loopback address and no token is set"),
        (["--admin-listen", "127.0.0.1:0", "--admin-token-file", "TOKENFILE"], [:], "is readable by others"),
        (["--admin-listen", "127.0.0.1:0"], ["ROUTERTOP_ADMIN_TOKEN": "short"], "ROUTERTOP_ADMIN_TOKEN is shorter than 16"),
    ])
    func adminListenRefusals(arguments: [String], environment: [String: String], message: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let tokenFile = directory.appendingPathComponent("tokens")
        try "ops 0123456789abcdef0123\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        chmod(tokenFile.path, 0o644)
        let socket = directory.appendingPathComponent("refused.sock").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PackagePaths.routertop)
        process.arguments = ["--listen", "127.0.0.1:0", "--headless", "--replica", "http://127.0.0.1:1", "--control", socket,
                             "--log-file", directory.appendingPathComponent("refused.log").path]
            + arguments.map { $0 == "TOKENFILE" ? tokenFile.path : $0 }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(output.split(separator: "\n").count == 1 && output.contains(message), "\(output)")
    }

    @Test func namedSocketsArePrivateListedNeverTakenOverAndReplacedWhenStale() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let runtime = directory.appendingPathComponent("runtime").path
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        let environment = "XDG_RUNTIME_DIR=\(runtime)"
        func router(_ name: String) throws -> RoutertopProcess {
            try RoutertopProcess.external("/usr/bin/env", [environment, PackagePaths.routertop, "--listen", "127.0.0.1:0", "--headless",
                                                         "--replica", "http://127.0.0.1:1", "--name", "e2e",
                                                         "--log-file", directory.appendingPathComponent("\(name).log").path],
                                          directory: directory, name: name)
        }
        let socket = runtime + "/routertop/e2e.sock"
        let first = try router("first")
        defer { first.stop() }
        #expect(await eventually { FileManager.default.fileExists(atPath: socket) ? true : nil } == true)
        let folder = try FileManager.default.attributesOfItem(atPath: runtime + "/routertop")
        #expect(folder[.posixPermissions] as? Int == 0o700)
        #expect(try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int == 0o600)
        let list = try CommandRun.run("/usr/bin/env", [environment, PackagePaths.routertop, "list"])
        let fields = list.standardOutput.split(separator: "\t")
        #expect(fields.count == 3 && fields[0] == "e2e" && fields[1].hasPrefix("proxy on 127.0.0.1:") && fields[2] == "\(socket)\n",
                "name, kind and socket: \(list.standardOutput)")

        let second = try router("second")
        defer { second.stop() }
        #expect(await second.exit(within: .seconds(10)) == 2)
        #expect(second.standardError.contains("another router is live on the control socket \(socket)"))
        #expect(ControlAPI(socket: socket).settings() != nil, "the first router still answers")

        first.signal(SIGKILL)
        _ = await first.exit(within: .seconds(10))
        let stale = try CommandRun.run("/usr/bin/env", [environment, PackagePaths.routertop, "list"])
        #expect(stale.standardOutput.hasPrefix("e2e\t-\t\(socket)\t(stale"))
        let third = try router("third")
        defer { third.stop() }
        #expect(await eventually { ControlAPI(socket: socket).settings() != nil ? true : nil } == true, "a stale socket is replaced")
    }

    @Test func attachingToNothingNamesWhatWasTried() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let missing = directory.appendingPathComponent("nobody.sock").path
        let run = try CommandRun.run(PackagePaths.routertop, ["attach", missing])
        #expect(run.status == 2)
        #expect(run.standardError == "routertop: no router to attach to at \(missing) (no such file or directory)\n")
    }

    @Test func attachingToARouterThatNeverAnswersGivesUpNamingWhatWasTried() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        // A listener that the kernel completes connections for and that never reads or answers.
        let (fd, initial) = try #require(loopbackSocket(port: 0))
        defer { close(fd) }
        var address = initial
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 8) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        let attach = try RoutertopProcess(["attach", url], directory: directory, name: "attach-silent")
        defer { attach.stop() }
        #expect(await attach.exit(within: .seconds(15)) == 2)
        #expect(attach.standardError == "routertop: no router to attach to at \(url) (no answer within 5 s)\n")
    }
}
