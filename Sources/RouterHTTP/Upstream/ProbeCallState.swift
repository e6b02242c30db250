import NIOHTTP1
import RouterEngine

/// What one probe has heard so far, as a pure state machine: the reply's parts in, the answer out.
struct ProbeCallState {
    enum State: Equatable {
        /// Waiting for a connection, or for the reply's head.
        case awaitingReply
        /// The reply's body arrives; parts beyond `maxBody` bytes are dropped.
        case readingBody(status: HTTPResponseStatus, body: [UInt8])
        case answered
    }

    static let maxBody = 4096
    private(set) var state = State.awaitingReply

    mutating func head(_ status: HTTPResponseStatus) {
        guard state == .awaitingReply else { return }
        state = .readingBody(status: status, body: [])
    }

    mutating func body(_ bytes: some Collection<UInt8>) {
        guard case .readingBody(let status, var body) = state, body.count + bytes.count <= Self.maxBody else { return }
        state = .answered  // Leaves the array uniquely referenced while it grows.
        body.append(contentsOf: bytes)
        state = .readingBody(status: status, body: body)
    }

    /// The reply ended: 200 with a queue length, 404 (no endpoint here), or anything else; nil when
    /// the probe was already answered.
    mutating func ended() -> ProbeAnswer? {
        guard case .readingBody(let status, let body) = state else { return closed() }
        state = .answered
        switch status {
        case .ok:
            return QueueLengthReply.answer(in: body) ?? .unavailable
        case .notFound:
            return .unsupported
        default:
            return .unavailable
        }
    }

    /// No reply (the connection failed or closed): unavailable; nil when already answered.
    mutating func closed() -> ProbeAnswer? {
        guard state != .answered else { return nil }
        state = .answered
        return .unavailable
    }
}
