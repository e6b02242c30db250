import NIOCore
import NIOEmbedded
import NIOHTTP1
import RouterEngine
import Testing

@testable import RouterHTTP

/// Admits nothing: the exchanges here are only read for their heads.
private final class NoAdmission: RequestAdmission {
    func submit(
        model: String?, externalID: String?, payload: AnyObject?, onFinish: @escaping (RequestResult) -> Void
    ) -> RequestID {
        RequestID(0)
    }

    func cancel(_ id: RequestID, reason: FailureReason) {}
}

@Suite("heads as bytes")
struct HeadWireTests {
    /// The head the front door used to build: a copy of the replica's headers, stripped and edited.
    private static func edited(_ headers: HTTPHeaders, requestID: String, added: [(String, String)]) -> String {
        var headers = HopByHopHeaders.passing(headers).headers
        headers.replaceOrAdd(name: "x-request-id", value: requestID)
        for (name, value) in added { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
        return String(buffer: HeadWire.response(head, allocator: ByteBufferAllocator()))
    }

    @Test("an answer head read from bytes and passed on from them is byte for byte the edited copy's", arguments: [
        HTTPHeaders([("Server", "nginx"), ("Date", "today"), ("Content-Type", "text/plain"), ("Content-Length", "2"),
                     ("Connection", "keep-alive"), ("X-A", ""), ("X-B", "b"), ("X-C", "c"), ("X-D", "d")]),
        HTTPHeaders([("Server", "nginx"), ("Content-Length", "2"), ("Connection", "keep-alive")]),
        HTTPHeaders([("Connection", "X-Private, close"), ("x-PRIVATE", "s"), ("X-Request-Id", "theirs"),
                     ("Transfer-Encoding", "gzip, chunked"), ("Trailer", "x"), ("Date", "today")]),
        HTTPHeaders([("Content-Type", "text/plain"), ("X-Spaced", "kept \t")]),
        HTTPHeaders((0..<70).map { ("x-\($0)", "v") } + [("Keep-Alive", "timeout=5"), ("x-last", "kept")]),
    ])
    func passedFromBytesEqualsEdited(headers: HTTPHeaders) throws {
        // Every line as a head usually writes it (copied in runs, around the omitted ones), then
        // lines with other spacing or a bare LF (written piece by piece) mixed in. The second is
        // written in the buffer the first went out in.
        var spare = SpareHeadBuffer()
        for mixed in [false, true] {
            var text = "HTTP/1.1 200 OK\r\n"
            for (index, (name, value)) in headers.enumerated() {
                text += ["\(name): \(value)\r\n", "\(name):  \(value)\r\n", "\(name):\(value)\n"][mixed ? index % 3 : 0]
            }
            var reader = AnswerReader()
            var buffer = ByteBuffer(string: text + "\r\n")
            guard case .head(let head, _) = try reader.next(&buffer) else { throw WireError.truncated }
            let hopByHop = HopByHopHeaders.find(in: head)
            #expect(hopByHop.chunked == HopByHopHeaders.find(in: headers).chunked)
            #expect(ChunkedFraming.extraCodings(in: head) == ChunkedFraming.extraCodings(in: headers))
            let added = [("transfer-encoding", "chunked"), ("connection", "close")]
            let bytes = HeadWire.response(
                version: .http1_1, head: head, omitting: { hopByHop.drops($0) || $0.equalsLowercase("x-request-id") },
                adding: AddedHeaders([("x-request-id", "req-7")] + added), reusing: spare.take(),
                allocator: ByteBufferAllocator())
            let expected = Self.edited(headers, requestID: "req-7", added: added)
            #expect(String(buffer: bytes) == expected, "mixed: \(mixed)")
            #expect(expected.hasPrefix("HTTP/1.1 200 OK\r\n") && expected.hasSuffix("connection: close\r\n\r\n"))
            #expect(!expected.lowercased().contains("keep-alive") && !expected.contains("x-PRIVATE"))
            _ = spare.keep(bytes)
        }
    }

    /// The request head the router used to build for replicas: an edited copy of the client's.
    private static func editedRequest(_ head: HTTPRequestHead, requestID: String) -> String {
        var (headers, chunked) = HopByHopHeaders.passing(head.headers)
        if chunked {
            headers.add(name: "transfer-encoding", value: ChunkedFraming.extraCodings(in: head.headers) ?? "chunked")
        }
        headers.remove(name: "expect")
        if !headers.contains(name: "x-request-id") {
            headers.add(name: "x-request-id", value: head.headers.first(name: "x-request-id") ?? requestID)
        }
        let forwarded = HTTPRequestHead(version: .http1_1, method: head.method, uri: RequestTarget.originForm(head.uri),
                                        headers: headers)
        return String(buffer: HeadWire.request(forwarded, allocator: ByteBufferAllocator()))
    }

    @Test("a request passed to a replica is byte for byte the edited copy's", arguments: [
        HTTPHeaders([("Host", "a"), ("Connection", "keep-alive"), ("Accept", "*/*")]),
        HTTPHeaders([("Host", "a"), ("Transfer-Encoding", "gzip, chunked"), ("Expect", "100-continue"),
                     ("X-Request-Id", "theirs"), ("TE", "trailers")]),
        // A client id its own `Connection` header names is dropped, then sent again as the wire id.
        HTTPHeaders([("Host", "a"), ("Connection", "X-Request-Id"), ("x-request-id", "theirs")]),
    ])
    func forwardedEqualsEdited(headers: HTTPHeaders) throws {
        let loop = EmbeddedEventLoop()
        let door = FrontDoor(admission: NoAdmission(), eventLoop: loop, requestTimeout: nil, limits: FrontDoorLimits())
        let (head, framing) = try ClientHead.read(method: "POST", target: "http://a/v1/x?y=1", headers: headers)
        #expect(framing.body == (headers.contains(name: "transfer-encoding") ? .chunked : .length(0)))
        let exchange = ProxyExchange(head: head, framing: framing, client: FrontDoorHandler(door: door, allocator: ByteBufferAllocator()))
        exchange.requestID = RequestID(7)
        let bytes = exchange.forwardedHead(target: exchange.forwardedTarget, reusing: nil,
                                           allocator: ByteBufferAllocator())
        let client = HTTPRequestHead(version: .http1_1, method: .POST, uri: "http://a/v1/x?y=1", headers: headers)
        let expected = Self.editedRequest(client, requestID: RequestID(7).description)
        #expect(String(buffer: bytes) == expected)
        #expect(expected.hasPrefix("POST /v1/x?y=1 HTTP/1.1\r\n") && expected.lowercased().contains("x-request-id: "))
    }

    @Test("a request head: method, target, version, headers")
    func requestHead() {
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/x?y=1",
                                   headers: HTTPHeaders([("host", "a"), ("content-length", "0")]))
        let text = String(buffer: HeadWire.request(head, allocator: ByteBufferAllocator()))
        #expect(text == "POST /v1/x?y=1 HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\n\r\n")
    }
}
