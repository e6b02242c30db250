import NIOCore
import NIOHTTP1

@testable import RouterHTTP

extension HopByHopHeaders {
    /// What of NIO's `headers` stops at this hop: the edited copy the router used to make.
    static func find(in headers: HTTPHeaders) -> Found {
        var found = Found()
        for (name, value) in headers {
            var name = name, value = value
            name.withUTF8 { name in
                value.withUTF8 { value in found.see(UnsafeRawBufferPointer(name), UnsafeRawBufferPointer(value)) }
            }
        }
        return found
    }

    /// The headers that pass this hop, in their order, and whether the message was chunked.
    static func passing(_ headers: HTTPHeaders) -> (headers: HTTPHeaders, chunked: Bool) {
        let found = find(in: headers)
        return (HTTPHeaders(headers.filter { !found.drops($0.name) }.map { ($0.name, $0.value) }), found.chunked)
    }
}

extension ChunkedFraming {
    /// The codings to pass on as the router used to find them, from NIO's headers: split on
    /// commas and trimmed by NIO.
    static func extraCodings(in headers: HTTPHeaders) -> String? {
        extraCodings(headers[canonicalForm: "transfer-encoding"].map(String.init))
    }
}

extension ClientHead {
    /// The head of a request with `headers`, read from bytes as the front door reads it, and what
    /// the reader found of its framing.
    static func read(method: String = "GET", target: String = "/", headers: HTTPHeaders) throws
        -> (ClientHead, RequestFraming) {
        let lines = headers.map { "\($0.name): \($0.value)\r\n" }.joined()
        var buffer = ByteBuffer(string: "\(method) \(target) HTTP/1.1\r\n\(lines)\r\n")
        var reader = RequestReader()
        guard case .head(let head, let framing) = try reader.next(&buffer) else { throw WireError.truncated }
        return (head, framing)
    }
}
