import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RouterAPI
import RouterAttach
@testable import RouterControlServer
import RouterEngine
import RouterSimulation
import RouterRuntime
import TestSupport
import Testing

/// The control API over a real Unix socket, in process: a simulated router, the server, and the
/// attach client.
@Suite struct ControlServerTests {
    final class Fixture {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let live: LiveRouter
        let server: ControlServer
        let directory: String

        init(admin: ControlServer.AdminListener? = nil, limits: ControlLimits = .standard) throws {
            directory = NSTemporaryDirectory() + "routertop-test-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            live = try LiveRouter(eventLoop: group.next(), publishEvery: .milliseconds(20),
                                  virtualTimeTick: .milliseconds(10)) { scheduler in
                let host = SimulationHost(fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 3,
                                          logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
                host.start()
                return host
            }
            server = try ControlServer.start(service: ControlService(control: live, metrics: RouterMetrics()),
                                             socketPath: directory + "/test.sock", admin: admin, group: group,
                                             limits: limits).get()
        }

        var target: AttachTarget { .unixSocket(path: server.socketPath) }

        func send(_ method: String, _ path: String, _ body: String = "") throws -> (status: Int, body: String) {
            let client = ControlClient(target: target, group: group)
            let (status, bytes) = try client.send(method: method, target: path, body: Array(body.utf8)).wait()
            return (status, String(decoding: bytes, as: UTF8.self))
        }

        deinit {
            server.stop()
            live.stop()
            withExtendedLifetime(live) { try? group.syncShutdownGracefully() }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }


    @Test func theSocketIsPrivateAndAnswersSnapshots() throws {
        let fixture = try Fixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.server.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let (status, body) = try fixture.send("GET", "/v1/snapshot")
        #expect(status == 200)
        let snapshot = try JSONDecoder().decode(RouterSnapshot.self, from: Data(body.utf8))
        #expect(snapshot.mode == .simulated)
        #expect(snapshot.replicas.count == FleetSpec.standard.replicas.count)
    }

    @Test func aBadSettingIsRefusedWithTheEditorsReasonAndChangesNothing() throws {
        let fixture = try Fixture()
        let before = fixture.live.latestSnapshot().settings
        let (status, body) = try fixture.send("PUT", "/v1/settings", #"{"backoff_multiplier": 3, "max_backoff_s": -1}"#)
        #expect(status == 400)
        #expect(body.contains("max_backoff_s=-1 is negative; it must be a finite number ≥ the initial backoff"), "\(body)")
        #expect(fixture.live.latestSnapshot().settings == before)
        #expect(try fixture.send("GET", "/v1/settings").body.contains(#""backoff_multiplier":2"#))
    }

    @Test func aSettingRefusedByTheValidatorIsJournaledAsRefused() throws {
        let fixture = try Fixture()
        let journal = RefusalJournal()
        _ = try fixture.live.withHost { host in (host as? SimulationHost)?.router.journal = journal; return true }.wait()
        let (status, _) = try fixture.send("PUT", "/v1/settings", #"{"max_backoff_s": 0.001}"#)
        #expect(status == 400)
        #expect(poll { !journal.entries.isEmpty })
        let entry = try #require(journal.entries.first)
        #expect(entry.result == .refused)
        #expect(entry.reason?.contains("below the initial backoff") == true, "\(entry.reason ?? "no reason")")
        var asked = RouterSettings.defaults
        asked.maxBackoff = 0.001
        #expect(entry.change.new == .settings(asked))
        // A body that is not a settings change at all is no change tried: nothing is journaled.
        #expect(try fixture.send("PUT", "/v1/settings", #"{"max_backoff_s": "soon"}"#).status == 400)
        #expect(try fixture.send("GET", "/v1/settings").status == 200)
        #expect(journal.entries.count == 1)
    }

    @Test func aChangeIsMadeInThePeersNameAndSeenInTheEvents() throws {
        let fixture = try Fixture()
        let (status, body) = try fixture.send("PUT", "/v1/settings", #"{"backoff_multiplier": 3}"#)
        #expect(status == 200, "\(body)")
        #expect(poll { fixture.live.latestSnapshot().settings.backoffMultiplier == 3 })
        let login = PeerLogin.name(of: getuid())
        let events = try JSONDecoder().decode(EventsReply.self, from: Data(try fixture.send("GET", "/v1/events?after=0").body.utf8))
        let change = try #require(events.events.last { $0.kind == .settings })
        #expect(change.message == "set: backoff multiplier 2 → 3 by \(login)")
        let later = try JSONDecoder().decode(EventsReply.self, from: Data(try fixture.send("GET", "/v1/events?after=\(change.sequence)").body.utf8))
        #expect(!later.events.contains { $0.sequence <= change.sequence })
        #expect(try fixture.send("POST", "/v1/settings/undo").status == 200)
        #expect(poll { fixture.live.latestSnapshot().settings.backoffMultiplier == 2 })
    }

    @Test func anAttachedClientStreamsAndCommands() throws {
        let fixture = try Fixture()
        let remote = try RemoteRouter.attach(to: fixture.target, group: fixture.group, intervalMilliseconds: 50,
                                             claimedAddress: "203.0.113.9", readOnly: false)
        defer { remote.stop() }
        #expect(poll { remote.received.snapshots >= 3 })
        #expect(remote.connection == .connected(address: fixture.server.socketPath))
        let id = try #require(remote.latestSnapshot().replicas.first?.id)
        let result = NIOLockedValueBox<CommandResult?>(nil)
        remote.perform(.drainReplica(id), by: CommandOrigin(user: "ignored")) { outcome in
            result.withLockedValue { $0 = outcome }
        }
        #expect(poll { result.withLockedValue { $0 } != nil })
        #expect(result.withLockedValue { $0 } == .done("done"))
        #expect(poll { remote.latestSnapshot().replicas.first { $0.id == id }?.state == .draining })
        #expect(remote.latestSnapshot().events.contains { $0.message.contains("drained by the operator") })
    }

    @Test func aLostRouterIsShownStaleAndReconnectedWithTheLastScreenKept() throws {
        let fixture = try Fixture()
        let remote = try RemoteRouter.attach(to: fixture.target, group: fixture.group, intervalMilliseconds: 50,
                                             claimedAddress: nil, readOnly: false)
        defer { remote.stop() }
        #expect(poll { remote.received.snapshots >= 2 })
        fixture.server.stop()
        #expect(poll {
            if case .reconnecting = remote.connection { return true }
            return false
        })
        let kept = remote.latestSnapshot()
        #expect(kept.replicas.count == FleetSpec.standard.replicas.count, "the last screen stays")
        let again = try ControlServer.start(service: ControlService(control: fixture.live),
                                            socketPath: fixture.server.socketPath, admin: nil, group: fixture.group).get()
        defer { again.stop() }
        #expect(poll { remote.connection == .connected(address: fixture.server.socketPath) })
        #expect(poll { remote.latestSnapshot().time > kept.time })
    }

    @Test func aReadOnlyClientIsRefusedByTheServerToo() throws {
        let fixture = try Fixture()
        let remote = try RemoteRouter.attach(to: fixture.target, group: fixture.group, intervalMilliseconds: 50,
                                             claimedAddress: nil, readOnly: true)
        defer { remote.stop() }
        let result = NIOLockedValueBox<CommandResult?>(nil)
        remote.perform(.settings(.undo), by: CommandOrigin(user: "x")) { outcome in result.withLockedValue { $0 = outcome } }
        #expect(poll { result.withLockedValue { $0 } != nil })
        #expect(result.withLockedValue { $0 } == .refused("this client attached read-only"))
    }

    @Test func aLiveSocketIsNeverTakenOverButAStaleOneIsReplaced() throws {
        let fixture = try Fixture()
        let second = ControlServer.start(service: ControlService(control: fixture.live), socketPath: fixture.server.socketPath,
                                         admin: nil, group: fixture.group)
        guard case .failure(let problem) = second else { Issue.record("a live socket was taken over"); return }
        #expect(problem.description.hasPrefix("another router is live on the control socket"))
        #expect(try fixture.send("GET", "/v1/settings").status == 200)

        let stale = fixture.directory + "/stale.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(stale.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(bound == 0)
        #expect(ControlSocketGuard.occupant(of: stale) == .stale)
        let replacing = try ControlServer.start(service: ControlService(control: fixture.live), socketPath: stale,
                                                admin: nil, group: fixture.group).get()
        defer { replacing.stop() }
        #expect(ControlSocketGuard.occupant(of: stale) == .live)
    }

    @Test func aSocketBoundButNotYetListeningIsNotTakenForStale() throws {
        let fixture = try Fixture()
        let path = fixture.directory + "/starting.sock"
        // Another router in the instant between bind and listen: its lock taken, its socket bound.
        let lock = try PidLock.take(path + ".lock").get()
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        let second = ControlServer.start(service: ControlService(control: fixture.live), socketPath: path, admin: nil,
                                         group: fixture.group)
        guard case .failure(let problem) = second else {
            Issue.record("a socket bound but not yet listening was taken for stale and replaced")
            if case .success(let server) = second { server.stop() }
            return
        }
        #expect(problem.description == "another router is live on the control socket \(path) (pid \(getpid())); "
            + "choose another --name or --control, or attach to it")
        #expect(problem.isTaken)
        #expect(FileManager.default.fileExists(atPath: path), "the starting router's socket is left alone")
        withExtendedLifetime(lock) {}
    }

    @Test func overTCPReadsOnLoopbackNeedNoTokenAndWritesNeedOne() throws {
        let token = "0123456789abcdef-token"
        let fixture = try Fixture(admin: .init(host: "127.0.0.1", port: 0, tokens: .single(token, label: "ci")))
        let port = try #require(fixture.server.adminAddress?.port)
        let client = { (headers: [(String, String)]) in
            ControlClient(target: .tcp(host: "127.0.0.1", port: port), group: fixture.group, headers: headers)
        }
        let read = try client([]).send(method: "GET", target: "/v1/settings").wait()
        #expect(read.status == 200)
        let metrics = try client([]).send(method: "GET", target: "/metrics").wait()
        #expect(metrics.status == 200)
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("# TYPE serve_num_scheduling_tasks gauge"))

        let body = Array(#"{"backoff_multiplier": 3}"#.utf8)
        let anonymous = try client([]).send(method: "PUT", target: "/v1/settings", body: body).wait()
        #expect(anonymous.status == 401)
        let wrong = try client([("authorization", "Bearer \(token)x")]).send(method: "PUT", target: "/v1/settings", body: body).wait()
        #expect(wrong.status == 401)
        #expect(fixture.live.latestSnapshot().settings.backoffMultiplier == 2)
        let allowed = try client([("authorization", "Bearer \(token)")]).send(method: "PUT", target: "/v1/settings", body: body).wait()
        #expect(allowed.status == 200)
        #expect(poll { fixture.live.latestSnapshot().events.contains { $0.message == "set: backoff multiplier 2 → 3 by ci from 127.0.0.1" } })
    }

    @Test func connectionsAreBoundedAndTheOneOverTheLimitIsTold() throws {
        let fixture = try Fixture()
        let client = ControlClient(target: fixture.target, group: fixture.group)
        let lines = NIOLockedValueBox(0)
        var streams: [any Channel] = []
        defer { streams.forEach { $0.close(promise: nil) } }
        let limit = ControlLimits.standard.connectionsPerListener
        for _ in 0..<limit {
            streams.append(try client.stream(target: "/v1/snapshots?interval_ms=1000", onLine: { _ in
                lines.withLockedValue { $0 += 1 }
            }, onClose: { _ in }).wait())
        }
        #expect(poll { lines.withLockedValue { $0 } >= limit }, "every stream got its first snapshot")
        let refused = try client.send(method: "GET", target: "/v1/settings").wait()
        #expect(refused.status == 503)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("at most \(limit) connections"))
        streams.removeLast().close(promise: nil)
        #expect(poll {
            guard let metrics = try? client.send(method: "GET", target: "/metrics").wait() else { return false }
            let text = String(decoding: metrics.body, as: UTF8.self)
            return RouterMetricsTests.value(#"routertop_control_connections_refused_total{listener="unix"}"#, in: text).map { $0 >= 1 } == true
        }, "the refusal is counted")
        streams.removeLast().close(promise: nil)
        #expect(poll { (try? client.send(method: "GET", target: "/v1/settings").wait())?.status == 200 })
    }

    @Test func decisionTracesAreServed() throws {
        let fixture = try Fixture()
        #expect(poll { fixture.live.latestSnapshot().totals.completed > 20 })
        let (status, body) = try fixture.send("GET", "/v1/traces?last=5")
        #expect(status == 200)
        let log = try JSONDecoder().decode(RequestTraceLog.self, from: Data(body.utf8))
        #expect(log.traces.count == 5)
        let last = try #require(log.traces.last)
        let one = try fixture.send("GET", "/v1/trace/req-\(last.request)")
        #expect(one.status == 200)
        #expect(try JSONDecoder().decode(RequestTrace.self, from: Data(one.body.utf8)) == last)
        let missing = try fixture.send("GET", "/v1/trace/req-999999999")
        #expect(missing.status == 404)
        #expect(missing.body.contains("has no trace: the router keeps the traces of its last 1000 finished requests"))
        // Any text may be a client's own X-Request-Id: one that no trace carries is not found.
        let unknown = try fixture.send("GET", "/v1/trace/banana")
        #expect(unknown.status == 404)
        #expect(unknown.body.contains("X-Request-Id"))
    }

    @Test func unknownEndpointsAndFieldsAreNamed() throws {
        let fixture = try Fixture()
        let missing = try fixture.send("GET", "/v1/nope")
        #expect(missing.status == 404)
        let unknown = try fixture.send("POST", "/v1/replicas", #"{"address": "x"}"#)
        #expect(unknown.status == 400)
        #expect(unknown.body.contains(#"unknown field \"address\"; the fields are url"#), "\(unknown.body)")
    }
}

/// A journal that keeps what it is given; written on the router's event loop, read by the test.
private final class RefusalJournal: ChangeJournal, @unchecked Sendable {
    private let box = NIOLockedValueBox<[JournalEntry]>([])
    var entries: [JournalEntry] { box.withLockedValue { $0 } }

    func append(_ entry: JournalEntry) -> Result<JournalEntry, JournalWriteError> {
        box.withLockedValue { $0.append(entry) }
        return .success(entry)
    }
}
