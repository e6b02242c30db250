import NIOCore
import NIOHTTP1
import Testing

@testable import RouterHTTP

@Suite("heads as bytes")
struct HeadWireTests {
    /// The head the front door used to build: a copy of the replica's headers, stripped and edited.
    private static func edited(_ headers: HTTPHeaders, requestID: String, added: [(String, String)]) -> String {
        var headers = headers
        HopByHopHeaders.strip(&headers)
        headers.replaceOrAdd(name: "x-request-id", value: requestID)
        for (name, value) in added { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
        return String(buffer: HeadWire.response(head, allocator: ByteBufferAllocator()))
    }

    /// The same head written straight from the replica's headers, omitting what stops at this hop.
    private static func passed(_ headers: HTTPHeaders, requestID: String, added: [(String, String)]) -> String {
        let hopByHop = HopByHopHeaders.find(in: headers)
        let bytes = HeadWire.response(
            version: .http1_1, status: .ok, headers: headers,
            omitting: { hopByHop.drops($0) || $0.lowercased() == "x-request-id" },
            adding: [("x-request-id", requestID)] + added, allocator: ByteBufferAllocator())
        return String(buffer: bytes)
    }

    @Test("a head passed on without an edited copy is byte for byte the edited copy's", arguments: [
        HTTPHeaders([("Server", "nginx"), ("Content-Length", "2"), ("Connection", "keep-alive")]),
        HTTPHeaders([("Connection", "X-Private, close"), ("x-PRIVATE", "s"), ("X-Request-Id", "theirs"),
                     ("Transfer-Encoding", "gzip, chunked"), ("Trailer", "x"), ("Date", "today")]),
        HTTPHeaders([("Content-Type", "text/plain")]),
        // Past the 64 headers whose omission is remembered, a hop-by-hop one is still dropped.
        HTTPHeaders((0..<70).map { ("x-\($0)", "v") } + [("Keep-Alive", "timeout=5"), ("x-last", "kept")]),
    ])
    func passedEqualsEdited(headers: HTTPHeaders) {
        let added = [("transfer-encoding", "chunked"), ("connection", "close")]
        let expected = Self.edited(headers, requestID: "req-7", added: added)
        #expect(Self.passed(headers, requestID: "req-7", added: added) == expected)
        #expect(expected.hasPrefix("HTTP/1.1 200 OK\r\n") && expected.hasSuffix("connection: close\r\n\r\n"))
        #expect(!expected.lowercased().contains("keep-alive") && !expected.contains("x-PRIVATE"))
    }

    @Test("a request head: method, target, version, headers")
    func requestHead() {
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/x?y=1",
                                   headers: HTTPHeaders([("host", "a"), ("content-length", "0")]))
        let text = String(buffer: HeadWire.request(head, allocator: ByteBufferAllocator()))
        #expect(text == "POST /v1/x?y=1 HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\n\r\n")
    }
}
