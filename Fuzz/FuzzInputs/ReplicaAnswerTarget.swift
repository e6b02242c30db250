// The reader's types are internal: this target exists only in a debug build (with testing
// enabled), which is what `make fuzz` and `make test` build.
#if DEBUG
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import RouterHTTP

/// Bytes from a replica read by the router's `AnswerReader` and by NIO's response decoder, which
/// the router used before. Each may refuse what the other takes (the reader refuses two equal
/// `Content-Length`s less than NIO, folded headers more), but an answer both read whole must be
/// the same answer: the same status, headers, keep-alive, body and trailers.
enum ReplicaAnswerTarget {
    /// One answer as read: what the front door would pass on.
    struct Answer: Equatable {
        var status: UInt
        var version: HTTPVersion
        var headers: [String]
        var keepAlive: Bool
        var body: [UInt8] = []
        var trailers: [String]?
    }

    /// The answers read whole, and whether the reader stopped on an error.
    struct Reading {
        var answers: [Answer] = []
        var failed = false
        fileprivate var current: Answer?

        mutating func add(_ part: HTTPClientResponsePart) {
            switch part {
            case .head(let head): begin(head.status, head.version, head.headers, keepAlive: head.isKeepAlive)
            case .body(let body): add(AnswerReader.Part.body(body))
            case .end(let trailers): add(AnswerReader.Part.end(trailers))
            }
        }

        mutating func add(_ part: AnswerReader.Part) {
            switch part {
            case .head(let head, let keepAlive):
                begin(head.status, head.version, head.headers, keepAlive: keepAlive)
            case .body(let body):
                current?.body += body.readableBytesView
            case .end(let trailers):
                guard var answer = current else { preconditionFailure("an end without a head") }
                answer.trailers = trailers.map { $0.map { "\($0.name): \($0.value)" } }
                answers.append(answer)
                current = nil
            }
        }

        private mutating func begin(_ status: HTTPResponseStatus, _ version: HTTPVersion, _ headers: HTTPHeaders, keepAlive: Bool) {
            current = Answer(status: status.code, version: version,
                             headers: headers.map { "\($0.name): \($0.value)" }, keepAlive: keepAlive)
        }
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 2 else { return }
        // Byte 0: which of the first eight requests were HEAD. Byte 1: where the bytes split.
        let methods = (0..<8).map { bytes[0] & (1 << $0) != 0 ? HTTPMethod.HEAD : .GET }
        let input = bytes.dropFirst(2)
        let split = input.startIndex + input.count * Int(bytes[1]) / 256
        let pieces = [ByteBuffer(bytes: input[..<split]), ByteBuffer(bytes: input[split...])]
        let ours = routerReading(pieces, methods: methods)
        let nio = nioReading(pieces, methods: methods)
        let shared = min(ours.answers.count, nio.answers.count)
        precondition(ours.answers.prefix(shared) == nio.answers.prefix(shared),
                     "the reader and NIO's decoder read different answers: \(ours.answers) against \(nio.answers)")
        if !ours.failed, !nio.failed {
            precondition(ours.answers.count == nio.answers.count,
                         "\(ours.answers.count) answers read whole against NIO's \(nio.answers.count)")
        }
    }

    private static func routerReading(_ pieces: [ByteBuffer], methods: [HTTPMethod]) -> Reading {
        var reader = AnswerReader()
        for method in methods { reader.requestWritten(method) }
        var reading = Reading()
        var buffer = ByteBuffer()
        do {
            for var piece in pieces {
                buffer.writeBuffer(&piece)
                while let part = try reader.next(&buffer) { reading.add(part) }
            }
            if let end = try reader.closed(buffer) { reading.add(end) }
        } catch {
            reading.failed = true
        }
        return reading
    }

    private static func nioReading(_ pieces: [ByteBuffer], methods: [HTTPMethod]) -> Reading {
        let channel = EmbeddedChannel()
        let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)
        var reading = Reading()
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
            for method in methods {
                decoder.write(data: .head(HTTPRequestHead(version: .http1_1, method: method, uri: "/")))
            }
            for piece in pieces {
                try channel.writeInbound(piece)
                while let part = try channel.readInbound(as: HTTPClientResponsePart.self) { reading.add(part) }
            }
            _ = try channel.finish()
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) { reading.add(part) }
        } catch {
            // The answers that ended before the error count.
            while let part = (try? channel.readInbound(as: HTTPClientResponsePart.self)) ?? nil { reading.add(part) }
            reading.failed = true
            _ = try? channel.finish()
        }
        return reading
    }
}
#endif
