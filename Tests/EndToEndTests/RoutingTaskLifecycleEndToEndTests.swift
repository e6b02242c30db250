import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("routing tasks end with their requests, through the built binaries", .serialized)
struct RoutingTaskLifecycleEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Issue 18's case: a one-slot replica busy for 3 s, a 20 s backoff, six clients that give up
    /// after 4 s, then one new request. No task of a given-up request sleeps on, so the new request
    /// is routed at once.
    @Test("after six clients give up, a new request is routed within 0.5 s")
    func givenUpClientsLeaveNoSleepingTasks() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let replica = try RoutertopProcess(
            ["replica", "--listen", "127.0.0.1:0", "--max-ongoing", "1", "--service-ms", "3000"],
            directory: directory, name: "one-slot")
        started.append(replica)
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })
        let logFile = directory.appendingPathComponent("lifecycle-proxy.log")
        // In the runtime folder the replica's start made private (a control socket's folder must be).
        let socket = directory.appendingPathComponent("run/lifecycle.sock").path
        let proxy = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--log-file", logFile.path, "--control", socket,
             "--initial-backoff-s", "20", "--max-backoff-s", "20", "--replica", "http://127.0.0.1:\(replicaPort)"],
            directory: directory, name: "lifecycle-proxy")
        started.append(proxy)
        let port = try #require(waitFor { listeningPort(in: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "") })
        let control = ControlAPI(socket: socket)

        let clients = DispatchGroup()
        let busyDone = Clock()
        onOwnThread(clients) {
            _ = httpGet(port: port, path: "/busy")
            busyDone.mark()
        }
        let busy = waitFor { control.snapshot().flatMap { $0.totals.running == 1 ? $0 : nil } }
        try #require(busy != nil, "the first request holds the only slot")
        let gaveUp = Counter()
        // The two oldest waiting requests have the two tasks; their clients give up first, while the
        // other four still wait, so those tasks are not the last to hear of a give-up.
        for index in 0..<6 {
            if index == 2 {
                let admitted = waitFor { control.snapshot().flatMap { $0.totals.admitted == 3 ? true : nil } }
                try #require(admitted != nil)
            }
            let patience: Duration = index < 2 ? .seconds(4) : .milliseconds(4500)
            onOwnThread(clients) {
                if httpGiveUp(port: port, path: "/waiting/\(index)", after: patience) { gaveUp.add() }
            }
        }
        let waiting = waitFor { control.snapshot().flatMap { $0.totals.admitted == 7 ? $0 : nil } }
        #expect(waiting?.totals.pending == 6)
        #expect(waiting?.routingTasks == 2, "one slot: two tasks route for the six \(String(describing: waiting))")
        #expect(clients.wait(timeout: .now() + 10) == .success)
        #expect(gaveUp.value == 6)
        let freeAt = try #require(busyDone.value)
        let settled = try #require(waitFor { control.snapshot().flatMap { $0.totals.pending == 0 ? $0 : nil } })
        #expect(settled.routingTasks == 0, "tasks of given-up requests end with them")
        #expect(settled.tasksInBackoff == 0)
        #expect(settled.totals.failed[.cancelled] == 6)

        // A waiting request the router routed while its client was giving up may hold the slot for
        // its 3 s: the new request comes once the replica says it is free.
        let freeAgain = waitFor(.seconds(5)) {
            httpGet(port: replicaPort, path: "/-/queue-length")?.body.contains("\"queue_length\": 0") == true ? Date() : nil
        }
        try #require(freeAgain != nil, "the replica is free again")
        let sentAt = Date()
        onOwnThread(clients) { _ = httpGet(port: port, path: "/fresh") }
        let routed = waitFor(.seconds(5)) { control.snapshot().flatMap { $0.totals.running == 1 ? Date() : nil } }
        let routedAfter = try #require(routed).timeIntervalSince(sentAt)
        #expect(routedAfter < 0.5, "routed \(routedAfter) s after it was sent, \(sentAt.timeIntervalSince(freeAt)) s after the first request ended")
        #expect(clients.wait(timeout: .now() + 10) == .success)
        proxy.signal(SIGTERM)
        #expect(proxy.waitForExit() == 0)
    }
}

/// Runs a blocking client on a thread of its own (a pool could start the seven late).
private func onOwnThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
    group.enter()
    Thread {
        body()
        group.leave()
    }.start()
}

/// When something happened, once.
private final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date?
    func mark() { lock.withLock { date = Date() } }
    var value: Date? { lock.withLock { date } }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Sends one request and gives up (closes the connection) when no answer came within `after`.
/// Returns true when it gave up.
func httpGiveUp(port: Int, path: String, after: Duration) -> Bool {
    guard let fd = connectedLoopbackSocket(port: port) else { return false }
    defer { close(fd) }
    let (seconds, attoseconds) = after.components
    var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = recv(fd, &buffer, buffer.count, 0)
    return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
}
