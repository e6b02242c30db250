import Foundation
import NIOConcurrencyHelpers
@testable import RouterControlServer
import RouterAPI
import Testing

/// A client that pipelines requests without reading cannot make the server encode and buffer
/// every answer, nor starve the other clients.
@Suite struct ControlBackPressureTests {
    /// The fixture's router, counting the snapshots the server asked for: one per answered read.
    final class CountingControl: RouterControl {
        let inner: any RouterControl
        let reads = NIOLockedValueBox(0)

        init(_ inner: any RouterControl) { self.inner = inner }

        func latestSnapshot() -> RouterSnapshot {
            reads.withLockedValue { $0 += 1 }
            return inner.latestSnapshot()
        }

        func perform(_ command: RouterCommand, by origin: CommandOrigin,
                     completion: @escaping @Sendable (CommandResult) -> Void) {
            inner.perform(command, by: origin, completion: completion)
        }

        func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
            inner.journal(completion: completion)
        }
    }

    @Test func aClientPipeliningWithoutReadingGetsBoundedWorkAndOthersStillGetIn() throws {
        let fixture = try ControlServerTests.Fixture()
        let counting = CountingControl(fixture.live)
        let server = try ControlServer.start(service: ControlService(control: counting), socketPath: fixture.directory + "/counted.sock",
                                             admin: nil, group: fixture.group).get()
        defer { server.stop() }
        let snapshotBytes = try JSONEncoder().encode(fixture.live.latestSnapshot()).count
        let flood = try PlainSocket.unix(server.socketPath, receiveBuffer: 4096)
        let requests = 3000
        let request = "GET /v1/snapshot HTTP/1.1\r\nhost: x\r\n\r\n"
        flood.transmitWithoutWaiting(String(repeating: request, count: requests), timeout: .seconds(2))
        // What the kernel's buffers (a few hundred KiB on a Unix socket) and the high-water mark hold.
        let bound = 2 + (1024 * 1024) / snapshotBytes
        let clock = ContinuousClock()
        let started = clock.now
        let other = try PlainSocket.unix(server.socketPath)
        other.transmit("GET /v1/settings HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        let answer = other.readUntilClosed(timeout: .seconds(3))
        #expect(answer.text.hasPrefix("HTTP/1.1 200"), "another client is answered while the flood waits")
        #expect(clock.now - started < .seconds(1), "and promptly")
        Thread.sleep(forTimeInterval: 1)
        let answered = counting.reads.withLockedValue { $0 }
        #expect(answered <= bound, "\(answered) answers made for a client that read none (snapshot \(snapshotBytes) bytes)")
        // The client reads a little and leaves: what it asked for and did not get is not made.
        _ = flood.readUntilClosed(timeout: .milliseconds(100))
        flood.hangUp()
        Thread.sleep(forTimeInterval: 0.3)
        let afterLeaving = counting.reads.withLockedValue { $0 }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(counting.reads.withLockedValue { $0 } == afterLeaving, "no work for a closed connection")
    }
}
