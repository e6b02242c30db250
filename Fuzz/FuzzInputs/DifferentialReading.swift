// The readers' types are internal: this file exists only in a debug build (with testing enabled),
// which is what `make fuzz` and `make test` build.
#if DEBUG
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// A message as a reader read it whole, in a form that compares across readers.
protocol ReadMessage: Equatable {
    var body: [UInt8] { get set }
    var trailers: [String]? { get set }
}

/// The messages one reader read whole from the same bytes, and whether it stopped on an error:
/// the router's reader and NIO's decoder each fill one, and `expectSame` compares them.
struct DifferentialReading<Message: ReadMessage> {
    var messages: [Message] = []
    var failed = false
    private var current: Message?

    mutating func begin(_ message: Message) {
        current = message
    }

    mutating func body(_ bytes: ByteBuffer) {
        current?.body += bytes.readableBytesView
    }

    mutating func end(_ trailers: HTTPHeaders?) {
        guard var message = current else { preconditionFailure("an end without a head") }
        message.trailers = trailers?.lines
        messages.append(message)
        current = nil
    }

    /// A part of NIO's decoding; `begin` makes the message of its head.
    mutating func add<Head>(_ part: HTTPPart<Head, ByteBuffer>, begin: (Head) -> Message) {
        switch part {
        case .head(let head): self.begin(begin(head))
        case .body(let bytes): body(bytes)
        case .end(let trailers): end(trailers)
        }
    }

    /// Each reader may refuse what the other takes, but the messages both read whole must be the
    /// same, and when neither refused anything they must have read as many.
    static func expectSame(ours: Self, nio: Self, what: String) {
        let shared = min(ours.messages.count, nio.messages.count)
        precondition(ours.messages.prefix(shared) == nio.messages.prefix(shared),
                     "the reader and NIO's decoder read different \(what): \(ours.messages) against \(nio.messages)")
        if !ours.failed, !nio.failed {
            precondition(ours.messages.count == nio.messages.count,
                         "\(ours.messages.count) \(what) read whole against NIO's \(nio.messages.count)")
        }
    }

    /// What NIO's `decoder` reads from `pieces`, fed one after the other on an embedded channel;
    /// `prepare` runs once the decoder is in the pipeline.
    static func nio<Decoder: ByteToMessageDecoder, Head>(
        _ decoder: Decoder, _ pieces: [ByteBuffer], prepare: () -> Void = {}, begin: (Head) -> Message
    ) -> Self where Decoder.InboundOut == HTTPPart<Head, ByteBuffer> {
        let channel = EmbeddedChannel()
        var reading = Self()
        func drain() throws {
            while let part = try channel.readInbound(as: HTTPPart<Head, ByteBuffer>.self) { reading.add(part, begin: begin) }
        }
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
            prepare()
            for piece in pieces {
                try channel.writeInbound(piece)
                try drain()
            }
            _ = try channel.finish()
            try drain()
        } catch {
            // The messages that ended before the error count.
            while let part = (try? channel.readInbound(as: HTTPPart<Head, ByteBuffer>.self)) ?? nil {
                reading.add(part, begin: begin)
            }
            reading.failed = true
            _ = try? channel.finish()
        }
        return reading
    }
}
extension HTTPHeaders {
    /// Each header as a `name: value` line.
    var lines: [String] { map { "\($0.name): \($0.value)" } }
}
#endif
