import NIOCore
import NIOHTTP1
import RouterEngine

/// One client request on its way through the router: what arrived, and what reached the client.
///
/// It is the payload the router hands to the replica connection it chose. The request body streams
/// to the replica as it arrives; a copy of up to `keptBodyLimit` bytes is kept until the request
/// ends, so that it can be routed again after a replica failed. A larger body is not kept, and its
/// request is not routed again once any of it was sent (the client gets a 502 instead).
final class ProxyExchange {
    /// The most request-body bytes kept for routing a request again.
    static let keptBodyLimit = 1 << 20

    let head: HTTPRequestHead
    /// Body parts received so far, while they fit in `keptBodyLimit`.
    private(set) var bodyParts: [ByteBuffer] = []
    private var keptBytes = 0
    /// True once the body outgrew `keptBodyLimit`: what was sent cannot be sent again.
    private(set) var bodyDiscarded = false
    private(set) var bodyComplete = false
    var requestID: RequestID?
    /// Makes the `X-Request-Id` sent to replicas when the client gave none, unique per process.
    var tagPrefix = ""
    /// True once any part of a response was written to the client.
    var responseStarted = false
    /// True once the whole response was handed to the client connection.
    var responseEnded = false
    /// True once the router reported how the request ended.
    var finished = false
    /// The client connection the answer goes to; nil once it closed.
    ///
    /// Strong rather than weak: it is read several times per request, and a weak load costs atomic
    /// operations each time. The connection clears it when it closes, which also breaks the cycle.
    var client: FrontDoorHandler?
    /// The upstream call carrying the request now, which takes body parts that arrive late.
    var activeCall: UpstreamCall?

    /// Whether the client keeps the connection open after this answer.
    let keepAlive: Bool

    init(head: HTTPRequestHead, client: FrontDoorHandler) {
        self.head = head
        self.client = client
        self.keepAlive = head.isKeepAlive
    }

    /// Whether the request may be sent again after a replica started on it (RFC 9110 §9.2.2).
    var isIdempotent: Bool {
        switch head.method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: true
        default: false
        }
    }

    private var forwarded: HTTPRequestHead?

    /// The request head as replicas get it: hop-by-hop headers gone, an `X-Request-Id` added.
    func forwardedHead() -> HTTPRequestHead {
        if let forwarded { return forwarded }
        var headers = head.headers
        let chunked = HopByHopHeaders.strip(&headers)
        if chunked { headers.add(name: "transfer-encoding", value: "chunked") }
        if !headers.contains(name: "x-request-id") {
            headers.add(name: "x-request-id", value: "\(tagPrefix)-\(requestID?.rawValue ?? 0)")
        }
        let made = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
        forwarded = made
        return made
    }

    /// Frees the kept body once the request ended; it is not sent again.
    func releaseBody() {
        bodyParts = []
    }

    /// Whether another replica could be sent this request from the start.
    var canBeSentAgain: Bool { !bodyDiscarded }

    func receivedBody(_ part: ByteBuffer) {
        keptBytes += part.readableBytes
        guard let activeCall else {
            // No replica has it yet: it must be kept to be sent at all.
            bodyParts.append(part)
            return
        }
        activeCall.forwardBody(part)
        if !bodyDiscarded { bodyParts.append(part) }
        bodyWasSent()
    }

    /// Called once what was kept went to a replica: beyond the limit it is not kept any longer.
    func bodyWasSent() {
        guard !bodyDiscarded, keptBytes > Self.keptBodyLimit else { return }
        bodyDiscarded = true
        bodyParts = []
    }

    func receivedEnd() {
        bodyComplete = true
        activeCall?.forwardEnd()
    }
}
