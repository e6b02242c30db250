import NIOHTTP1
import RouterEngine

/// What one probe has heard so far, as a pure state machine: the reply's parts in, the answer out.
struct ProbeCallState {
    enum State: Equatable {
        /// Waiting for a connection, or for the reply's head.
        case awaitingReply
        /// The reply's body arrives; bytes beyond `maxBody` are dropped.
        case readingBody(status: HTTPResponseStatus, body: [UInt8])
        case answered
    }

    /// Room for a report of the 256 model ids kept, each of the longest valid id (1 KiB), quoted and
    /// separated, besides the queue length: a longer body is cut here and its list read as far as it goes.
    static let maxBody = ModelIDsReply.keptLimit * (ModelIDsReply.idLimit + 8) + 4096
    private(set) var state = State.awaitingReply

    mutating func head(_ status: HTTPResponseStatus) {
        guard state == .awaitingReply else { return }
        state = .readingBody(status: status, body: [])
    }

    mutating func body(_ bytes: some Collection<UInt8>) {
        guard case .readingBody(let status, var body) = state, body.count < Self.maxBody else { return }
        state = .answered  // Leaves the array uniquely referenced while it grows.
        body.append(contentsOf: bytes.prefix(Self.maxBody - body.count))
        state = .readingBody(status: status, body: body)
    }

    /// The reply ended: 200 with a queue length (or with something else: counted locally), 404 (no
    /// endpoint here), or anything else; nil when
    /// the probe was already answered.
    mutating func ended() -> ProbeAnswer? {
        guard case .readingBody(let status, let body) = state else { return closed() }
        state = .answered
        switch status {
        case .ok:
            return QueueLengthReply.answer(in: body) ?? .unexpected(Self.shown(body))
        case .notFound:
            return .unsupported
        default:
            return .unavailable
        }
    }

    /// The first 80 bytes of an answer, as printable ASCII (anything else becomes `.`), quoted.
    static func shown(_ body: [UInt8]) -> String {
        let printable = body.prefix(80).map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." }
        return "\"" + String(printable) + "\"" + (body.count > 80 ? "…" : "")
    }

    /// No reply (the connection failed or closed): unavailable; nil when already answered.
    mutating func closed() -> ProbeAnswer? {
        guard state != .answered else { return nil }
        state = .answered
        return .unavailable
    }
}
