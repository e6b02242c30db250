import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A router flooded with pipelined snapshot reads it cannot send still stops within its drain
/// time after SIGTERM (issue 20, item 2: once, a router logged `stopped:` and lived on for minutes,
/// its control loop still encoding snapshots).
@Suite("a snapshot flood does not keep a router from stopping (built binary)", .serialized)
struct SnapshotFloodStopTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    @Test func aRouterUnderAPipelinedSnapshotFloodExitsWithinItsDrainTime() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        // 1,000 replicas where nothing listens: a snapshot of several hundred KB.
        let file = directory.appendingPathComponent("replicas.toml")
        try (0..<1000).map { "[[replica]]\nurl = \"http://127.0.0.1:\(21_000 + $0)\"\n" }.joined()
            .write(to: file, atomically: true, encoding: .utf8)
        let adminPort = try #require(freeLoopbackPort())
        let log = directory.appendingPathComponent("flood.log")
        let drain = 2
        let router = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--replicas", file.path, "--log-file", log.path,
             "--admin-listen", "127.0.0.1:\(adminPort)", "--request-timeout-s", "\(drain)"],
            directory: directory, name: "router")
        defer { router.stop() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(waitFor(.seconds(30)) { listeningPort(in: readLog()) } != nil)
        try #require(waitFor(.seconds(10)) { connectedLoopbackSocket(port: adminPort).map { close($0); return true } } == true)

        // Four connections, each pipelining 3,000 snapshot reads and reading none of the answers.
        let request = Array(String(repeating: "GET /v1/snapshot HTTP/1.1\r\nhost: x\r\n\r\n", count: 3000).utf8)
        var flood: [Int32] = []
        defer { for fd in flood { close(fd) } }
        for _ in 0..<4 {
            let fd = try #require(connectedLoopbackSocket(port: adminPort))
            flood.append(fd)
            Self.sendWithoutWaiting(request, on: fd, for: .seconds(2))
        }
        router.signal(SIGTERM)
        let began = ContinuousClock.now
        let status = router.waitForExit(timeout: .seconds(drain + 10))
        #expect(status == 0, "the router still ran \(drain + 10) s after SIGTERM")
        #expect(ContinuousClock.now - began < .seconds(drain + 5))
        #expect(readLog().contains("stopped: admitted=0"))
    }

    /// Writes as much of `bytes` as the socket takes within `time`, never blocking.
    private static func sendWithoutWaiting(_ bytes: [UInt8], on fd: Int32, for time: Duration) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = ContinuousClock.now + time
        var sent = 0
        while sent < bytes.count, ContinuousClock.now < deadline {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 { sent += count } else { usleep(10_000) }
        }
    }
}
