// The reader's types are internal: this target exists only in a debug build (with testing
// enabled), which is what `make fuzz` and `make test` build.
#if DEBUG
import NIOCore
import NIOHTTP1
@testable import RouterHTTP

/// Bytes from a client read by the router's `RequestReader` and by NIO's request decoder, which
/// the front door used before. Each may refuse what the other takes (the reader takes any method
/// token and two equal `Content-Length`s; NIO's decoder takes what llhttp lets through), but
/// requests both read whole must be the same requests: the same line, headers, keep-alive, body
/// and trailers. The reader must also read the same requests whether the bytes came whole or in
/// two pieces.
enum ClientRequestTarget {
    /// One request as read: what the router would admit and pass on.
    struct Request: ReadMessage {
        var method: String
        var uri: String
        var version: HTTPVersion
        var headers: [String]
        var keepAlive: Bool
        var body: [UInt8] = []
        var trailers: [String]?

        init(_ head: HTTPRequestHead, keepAlive: Bool) {
            method = head.method.rawValue
            uri = head.uri
            version = head.version
            headers = head.headers.lines
            self.keepAlive = keepAlive
        }

        init(_ head: ClientHead, keepAlive: Bool) {
            self.init(HTTPRequestHead(version: head.version, method: head.method, uri: head.target, headers: head.headers),
                      keepAlive: keepAlive)
        }
    }

    typealias Reading = DifferentialReading<Request>

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        // Byte 0: where the bytes split.
        let input = bytes.dropFirst()
        let split = input.startIndex + input.count * Int(first) / 256
        let pieces = [ByteBuffer(bytes: input[..<split]), ByteBuffer(bytes: input[split...])]
        let ours = routerReading(pieces)
        let whole = routerReading([ByteBuffer(bytes: input)])
        precondition(ours.messages == whole.messages && ours.failed == whole.failed,
                     "the reader read the bytes differently when they came in two pieces")
        let nio = Reading.nio(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes), pieces) { head in
            Request(head, keepAlive: head.isKeepAlive)
        }
        Reading.expectSame(ours: ours, nio: nio, what: "requests")
    }

    private static func routerReading(_ pieces: [ByteBuffer]) -> Reading {
        var reader = RequestReader()
        var reading = Reading()
        var buffer = ByteBuffer()
        do {
            for var piece in pieces {
                buffer.writeBuffer(&piece)
                while let part = try reader.next(&buffer) {
                    switch part {
                    case .head(let head, let framing): reading.begin(Request(head, keepAlive: framing.keepAlive))
                    case .body(let bytes): reading.body(bytes)
                    case .end(let trailers): reading.end(trailers)
                    }
                }
            }
        } catch {
            reading.failed = true
        }
        return reading
    }
}
#endif
