// The reader's types are internal: this target exists only in a debug build (with testing
// enabled), which is what `make fuzz` and `make test` build.
#if DEBUG
import NIOCore
import NIOHTTP1
@testable import RouterHTTP

/// Bytes from a replica read by the router's `AnswerReader` and by NIO's response decoder, which
/// the router used before. Each may refuse what the other takes (the reader refuses two equal
/// `Content-Length`s less than NIO, folded headers more), but an answer both read whole must be
/// the same answer: the same status, headers, keep-alive, body and trailers.
enum ReplicaAnswerTarget {
    /// One answer as read: what the front door would pass on.
    struct Answer: ReadMessage {
        var status: UInt
        var version: HTTPVersion
        var headers: [String]
        var keepAlive: Bool
        var body: [UInt8] = []
        var trailers: [String]?
    }

    typealias Reading = DifferentialReading<Answer>

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 2 else { return }
        // Byte 0: which of the first eight requests were HEAD. Byte 1: where the bytes split.
        let methods = (0..<8).map { bytes[0] & (1 << $0) != 0 ? HTTPMethod.HEAD : .GET }
        let input = bytes.dropFirst(2)
        let split = input.startIndex + input.count * Int(bytes[1]) / 256
        let pieces = [ByteBuffer(bytes: input[..<split]), ByteBuffer(bytes: input[split...])]
        let ours = routerReading(pieces, methods: methods)
        let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)
        let nio = Reading.nio(decoder, pieces, prepare: {
            for method in methods {
                decoder.write(data: .head(HTTPRequestHead(version: .http1_1, method: method, uri: "/")))
            }
        }, begin: { (head: HTTPResponseHead) in
            Answer(status: head.status.code, version: head.version, headers: head.headers.lines,
                   keepAlive: head.isKeepAlive)
        })
        Reading.expectSame(ours: ours, nio: nio, what: "answers")
    }

    private static func routerReading(_ pieces: [ByteBuffer], methods: [HTTPMethod]) -> Reading {
        var reader = AnswerReader()
        for method in methods { reader.requestWritten(method) }
        var reading = Reading()
        var buffer = ByteBuffer()
        func add(_ part: consuming AnswerReader.Part) {
            switch consume part {
            case .head(let head, let keepAlive):
                reading.begin(Answer(status: head.status.code, version: head.version,
                                     headers: head.headers.map { "\($0.name): \($0.value)" }, keepAlive: keepAlive))
            case .body(let bytes): reading.body(bytes)
            case .end(let trailers): reading.end(trailers)
            }
        }
        do {
            for var piece in pieces {
                buffer.writeBuffer(&piece)
                while let part = try reader.next(&buffer) { add(part) }
            }
            if let end = try reader.closed(buffer) { add(end) }
        } catch {
            reading.failed = true
        }
        return reading
    }
}
#endif
