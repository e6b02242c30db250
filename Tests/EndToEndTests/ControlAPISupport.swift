import Foundation
import NIOPosix
import RouterAPI
import RouterAttach
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Talks to a running router's control API from a test.
final class ControlAPI {
    let target: AttachTarget
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(_ target: AttachTarget) { self.target = target }
    convenience init(socket: String) { self.init(.unixSocket(path: socket)) }

    deinit { try? group.syncShutdownGracefully() }

    func send(_ method: String, _ path: String, _ body: String = "", headers: [(String, String)] = []) -> (status: Int, body: String)? {
        let client = ControlClient(target: target, group: group, headers: headers)
        guard let (status, bytes) = try? client.send(method: method, target: path, body: Array(body.utf8)).wait() else {
            return nil
        }
        return (status, String(decoding: bytes, as: UTF8.self))
    }

    func snapshot() -> RouterSnapshot? {
        guard let (status, body) = send("GET", "/v1/snapshot"), status == 200 else { return nil }
        return try? JSONDecoder().decode(RouterSnapshot.self, from: Data(body.utf8))
    }

    func settings() -> RouterSettings? {
        guard let (status, body) = send("GET", "/v1/settings"), status == 200 else { return nil }
        return try? JSONDecoder().decode(RouterSettings.self, from: Data(body.utf8))
    }
}

extension RoutertopProcess {
    /// Waits for the process to end without holding a thread; its exit status, or nil if it still runs.
    func exit(within timeout: Duration = .seconds(10)) async -> Int32? {
        await eventually(timeout) { process.isRunning ? nil : process.terminationStatus }
    }
}
