// The front door's types are internal: this target exists only in a debug build (with testing
// enabled), which is what `make fuzz` and `make test` build.
#if DEBUG
import NIOCore
import NIOEmbedded
import NIOHTTP1
import RouterEngine
@testable import RouterHTTP

/// The proxy's front door fed raw bytes from a client, on an embedded channel with the same
/// pipeline `ProxyServer` builds for each connection, and a router stand-in that answers at once,
/// later, or never.
enum FrontDoorTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let mode = bytes.first else { return }
        let admission = InstantAdmission(shedAtOnce: mode % 3 == 0)
        let channel = EmbeddedChannel()
        // No request timeout: its sweep timer would stay queued on the embedded loop, which never
        // runs it, and keep the door alive after the input.
        let door = FrontDoor(admission: admission, eventLoop: channel.eventLoop, requestTimeout: nil)
        do {
            try FrontDoorHandler.install(on: channel, door: door)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        } catch {
            return
        }
        // Two writes, so requests split across reads are also exercised.
        let body = bytes.dropFirst()
        let half = body.startIndex + body.count / 2
        for part in [body[..<half], body[half...]] where channel.isActive {
            _ = try? channel.writeInbound(ByteBuffer(bytes: part))
            drain(channel)
        }
        if mode % 3 == 1 { admission.finishAll(.failed(.routingTimeout)) }
        drain(channel)
        _ = try? channel.finish()
        // A close the handler started finishes in tasks on the loop, which an embedded loop runs
        // only when told.
        channel.embeddedEventLoop.run()
        // Once the connection is gone every request it admitted must have been called off: one
        // still waiting would be a request the router keeps for a client that left.
        let forgotten = admission.waitingCount
        admission.finishAll(.failed(.cancelled))
        precondition(forgotten == 0, "\(forgotten) requests still in the router after their connection closed")
    }

    private static func drain(_ channel: EmbeddedChannel) {
        channel.embeddedEventLoop.run()
        while (try? channel.readOutbound(as: ByteBuffer.self)) ?? nil != nil {}
    }
}

/// Answers requests without a fleet: sheds each at once, or holds them until told.
final class InstantAdmission: RequestAdmission {
    private let shedAtOnce: Bool
    private var next: UInt64 = 0
    private var waiting: [RequestID: (RequestResult) -> Void] = [:]

    init(shedAtOnce: Bool) {
        self.shedAtOnce = shedAtOnce
    }

    func submit(
        model: String?, externalID: String?, payload: AnyObject?, onFinish: @escaping (RequestResult) -> Void
    ) -> RequestID {
        next += 1
        let id = RequestID(next)
        if shedAtOnce {
            onFinish(.failed(.shed))
        } else {
            waiting[id] = onFinish
        }
        return id
    }

    func cancel(_ id: RequestID, reason: FailureReason) {
        waiting.removeValue(forKey: id)?(.failed(reason))
    }

    var waitingCount: Int { waiting.count }

    func finishAll(_ result: RequestResult) {
        let all = waiting
        waiting = [:]
        for (_, finish) in all.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { finish(result) }
    }
}
#endif
