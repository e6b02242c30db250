import Foundation
import RouterAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `routertop fleet` and `routertop rollout` on the built binary: four headless proxies with real
/// replicas in one runtime directory, the fleet screen in tmux, rollouts that succeed, stop and
/// revert, and a canary that is watched before it is promoted.
@Suite("the fleet and rollouts (built binary)", .serialized)
struct FleetEndToEndTests {
    /// Four headless proxies A–D, each with its own `routertop replica`, sockets in `runtime`.
    final class FourRouters {
        let directory: URL
        let runtime: URL
        var processes: [RoutertopProcess] = []
        var proxyPorts: [String: Int] = [:]

        /// - Parameter extra: flags per router name (D's start settings, for the refusal).
        init(runtime: URL, extra: [String: [String]] = [:]) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-fleet-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            self.runtime = runtime
            try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            for name in ["A", "B", "C", "D"] {
                let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                                   directory: directory, name: "replica-\(name)")
                processes.append(replica)
                let port = try #require(waitFor { listeningPort(in: replica.standardError) })
                let proxy = try RoutertopProcess(
                    ["--listen", "127.0.0.1:0", "--headless", "--replica", "http://127.0.0.1:\(port)",
                     "--control", socket(name)] + (extra[name] ?? []),
                    directory: directory, name: "proxy-\(name)")
                processes.append(proxy)
                let proxyPort: Int = try #require(waitFor { listeningPort(in: proxy.standardError) })
                proxyPorts[name] = proxyPort
                #expect(waitFor { api(name).snapshot() } != nil, "\(name) answers on its socket")
            }
        }

        func socket(_ name: String) -> String { runtime.appendingPathComponent("\(name).sock").path }
        func api(_ name: String) -> ControlAPI { ControlAPI(socket: socket(name)) }

        func proxy(_ name: String) -> RoutertopProcess {
            processes.first { $0.errorFile.lastPathComponent == "proxy-\(name).stderr" }!
        }

        /// `routertop rollout` with the sockets as targets; its status and what it printed.
        func rollout(_ arguments: [String]) throws -> CommandRun {
            try CommandRun.run(PackagePaths.routertop, ["rollout"] + arguments)
        }

        /// Every journal entry of `name` that carries a rollout mark.
        func rolloutParts(_ name: String) -> [JournalEntry] {
            guard let (status, body) = api(name).send("GET", "/v1/journal"), status == 200,
                  let reply = try? JSONDecoder().decode(JournalReply.self, from: Data(body.utf8)) else { return [] }
            return reply.entries.filter { $0.rollout != nil }
        }

        func stop() {
            for name in ["A", "B", "C", "D"] { _ = api(name).send("POST", "/v1/stop") }
            for process in processes { process.stop() }
        }

        deinit { stop() }
    }

    @Test func aRolloutReachesEveryTargetWithOneRolloutID() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-fleet-run-\(UUID().uuidString.prefix(8))")
        let routers = try FourRouters(runtime: runtime, extra: ["D": ["--max-backoff-s", "0.06"]])
        defer { routers.stop() }

        let run = try routers.rollout(["--set", "initial_backoff_s=0.05", "--to", routers.socket("A"),
                                       "--to", routers.socket("B"), "--to", routers.socket("C"), "--yes", "--json"])
        #expect(run.status == 0, "\(run.standardOutput)\n\(run.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
        let id = try #require(report?["rollout_id"] as? String)
        #expect(report?["succeeded"] as? Bool == true)
        for name in ["A", "B", "C"] {
            #expect(routers.api(name).settings()?.initialBackoff == 0.05, "\(name) has the value")
            let parts = routers.rolloutParts(name)
            #expect(parts.map(\.change.verb) == ["trial", "confirm"], "\(name) journals its trial and its confirmation")
            #expect(parts.allSatisfy { $0.rollout == RolloutMark(id: id, targets: ["A", "B", "C"]) })
        }
        #expect(routers.api("D").settings()?.initialBackoff == 0.025, "D was not a target")
        #expect(routers.rolloutParts("D").isEmpty)
    }

    @Test func aRolloutOneRouterRefusesRevertsTheRoutersItReached() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-fleet-run-\(UUID().uuidString.prefix(8))")
        // D's maximum backoff is below the new initial backoff: its validator must refuse.
        let routers = try FourRouters(runtime: runtime, extra: ["D": ["--max-backoff-s", "0.04"]])
        defer { routers.stop() }

        let run = try routers.rollout(["--set", "initial_backoff_s=0.05", "--to", routers.socket("A"),
                                       "--to", routers.socket("B"), "--to", routers.socket("D"), "--yes"])
        #expect(run.status == 1, "\(run.standardOutput)\n\(run.standardError)")
        #expect(run.standardOutput.contains("A\treverted"))
        #expect(run.standardOutput.contains("B\treverted"))
        #expect(run.standardOutput.contains("D\trefused: "), "D's outcome names its refusal")
        #expect(run.standardOutput.contains("stopped: D refused the trial"))
        for name in ["A", "B"] {
            #expect(routers.api(name).settings()?.initialBackoff == 0.025, "\(name) is back at its old value")
            #expect(routers.rolloutParts(name).map(\.change.verb) == ["trial", "revert"],
                    "\(name) journals the trial and its revert under the rollout")
        }
        #expect(routers.api("D").settings()?.initialBackoff == 0.025)
        #expect(routers.rolloutParts("D").map(\.result) == [.refused], "D journals its refusal under the rollout")
    }

    @Test func aCanaryIsComparedWithTheOthersThenPromoted() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-fleet-run-\(UUID().uuidString.prefix(8))")
        let routers = try FourRouters(runtime: runtime)
        defer { routers.stop() }
        for name in ["A", "B", "C"] {
            for _ in 0..<20 { _ = httpGet(port: routers.proxyPorts[name]!, path: "/") }
        }
        let started = ContinuousClock.now
        let run = try routers.rollout(["--set", "backoff_multiplier=3", "--to", routers.socket("A"), "--to", routers.socket("B"),
                                       "--to", routers.socket("C"), "--canary", routers.socket("B"), "--canary-s", "3", "--yes"])
        let took = ContinuousClock.now - started
        #expect(run.status == 0, "\(run.standardOutput)\n\(run.standardError)")
        #expect(took >= .seconds(3), "the canary ran alone for 3 s")
        #expect(run.standardOutput.contains("canary B against A, C:"))
        #expect(run.standardOutput.contains("fulfilment p99"))
        #expect(run.standardOutput.contains("tasks in backoff"))
        #expect(run.standardError.contains("B: canary, watched for 3 s"))
        // B took it first: its trial is journaled before the others'.
        let trialTimes = ["A", "B", "C"].map { routers.rolloutParts($0).first { $0.change.verb == "trial" }?.time ?? "" }
        #expect(trialTimes[1] < trialTimes[0] && trialTimes[1] < trialTimes[2])
        for name in ["A", "B", "C"] { #expect(routers.api(name).settings()?.backoffMultiplier == 3) }
    }

    @Test(.enabled(if: TmuxSession.isAvailable, "tmux drives the fleet screen"))
    func theFleetListsEveryRouterAndMarksAKilledOneUnreachableAtOnce() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let fleet = try TmuxSession(columns: 160, rows: 40,
                                    command: "\(TmuxSession.quote(PackagePaths.routertop)) fleet --refresh-ms 250")
        defer { fleet.kill() }
        // The fleet's own runtime directory: the routers start there, so it finds them as `list` would.
        let runtime = fleet.directory.appendingPathComponent("run").appendingPathComponent("routertop")
        let routers = try FourRouters(runtime: runtime)
        defer { routers.stop() }
        try await fleet.waitForScreen("all four routers live") { screen in
            ["A", "B", "C", "D"].allSatisfy { name in
                screen.split(separator: "\n").contains { $0.hasPrefix("  \(name) ") && $0.contains(" live ") }
            }
        }
        let before = try fleet.capture()
        #expect(before.contains("4 routers, 4 live"))
        #expect(before.contains("Replicas merged over 4 routers"))

        routers.proxy("D").signal(SIGKILL)
        let killed = ContinuousClock.now
        try await fleet.waitForScreen("D unreachable", timeout: .seconds(2)) { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix("  D ") && $0.contains("unreachable since") }
        }
        #expect(ContinuousClock.now - killed < .seconds(2))
        // The others keep updating: the header's clock moves on and they stay live.
        let clock = { (screen: String) in screen.split(separator: "\n").first.map(String.init) ?? "" }
        let header = clock(try fleet.capture())
        try await fleet.waitForScreen("the header moves on") { clock($0) != header }
        let after = try fleet.capture()
        for name in ["A", "B", "C"] {
            #expect(after.split(separator: "\n").contains { $0.hasPrefix("  \(name) ") && $0.contains(" live ") })
        }
        #expect(after.contains("4 routers, 3 live, 1 not answering"))
        try fleet.press("q")
        #expect(try await fleet.waitForExit() == 0)
    }
}
