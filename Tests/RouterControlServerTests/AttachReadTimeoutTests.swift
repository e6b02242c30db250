import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RouterAttach
import RouterAPI
import TestSupport
import Testing

/// `routertop attach` against a router that accepts and then says nothing: it gives up at start
/// with the read timeout named, and a stream gone silent later shows `reconnecting`.
@Suite struct AttachReadTimeoutTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "routertop-silent-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    @Test func attachGivesUpOnARouterThatNeverAnswers() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let silent = try SilentRouter(path: directory + "/silent.sock", snapshotBody: nil)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        // On its own thread, so a regression fails this test instead of hanging the run.
        let outcome = NIOLockedValueBox<Result<Void, AttachError>?>(nil)
        let path = silent.path
        Thread.detachNewThread {
            do {
                let remote = try RemoteRouter.attach(to: .unixSocket(path: path), group: group, intervalMilliseconds: 100,
                                                     claimedAddress: nil, readOnly: true, readTimeout: .milliseconds(300))
                remote.stop()
                outcome.withLockedValue { $0 = .success(()) }
            } catch let error as AttachError {
                outcome.withLockedValue { $0 = .failure(error) }
            } catch {
                outcome.withLockedValue { $0 = .failure(AttachError("\(error)")) }
            }
        }
        #expect(poll(timeout: .seconds(3)) { outcome.withLockedValue { $0 } != nil },
                "attach gave up within 3 s")
        guard case .failure(let error) = outcome.withLockedValue({ $0 }) else {
            Issue.record("attach to a silent router did not fail")
            return
        }
        #expect(error.description.contains("no answer within 0.3 s"), "\(error.description)")
        #expect(error.description.contains(silent.path), "\(error.description)")
    }

    @Test func aStreamThatGoesSilentIsShownReconnecting() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixture = try ControlServerTests.Fixture()
        let body = try JSONEncoder().encode(fixture.live.latestSnapshot())
        let silent = try SilentRouter(path: directory + "/mute.sock", snapshotBody: Array(body))
        let remote = try RemoteRouter.attach(to: .unixSocket(path: silent.path), group: fixture.group, intervalMilliseconds: 50,
                                             claimedAddress: nil, readOnly: true, readTimeout: .milliseconds(300))
        defer { remote.stop() }
        #expect(poll(timeout: .seconds(5)) {
            if case .reconnecting = remote.connection { return true }
            return false
        }, "a stream that sends nothing is given up, and the header says so")
    }
}
