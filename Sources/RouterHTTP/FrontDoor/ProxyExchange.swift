import NIOCore
import NIOHTTP1
import RouterEngine

/// One client request on its way through the router: what arrived, and what reached the client.
///
/// It is the payload the router hands to the replica connection it chose. The request body streams
/// to the replica as it arrives. Up to `bodyAllowance` bytes of it are held: while no replica has
/// the request yet (then the client is no longer read until one takes it), and as a copy until the
/// request ends, so that it can be routed again after a replica failed. A larger body is not kept,
/// and its request is not routed again once any of it was sent (the client gets a 502 instead).
final class ProxyExchange {
    /// The most request-body bytes held for one request.
    static let keptBodyLimit = 1 << 20

    let head: ClientHead
    /// Bytes of body this request may hold, reserved from the front door's body budget at admission.
    let bodyAllowance: Int
    /// Body parts received so far, while they fit in `bodyAllowance`.
    private(set) var bodyParts: [ByteBuffer] = []
    private var keptBytes = 0
    /// True once the body outgrew `bodyAllowance`: what was sent cannot be sent again.
    private(set) var bodyDiscarded = false
    private(set) var bodyComplete = false
    /// The trailers that ended the request body, passed on to the replica.
    private(set) var trailers: HTTPHeaders?
    var requestID: RequestID?
    /// The lane whose loop this exchange lives on; nil on the router's own loop.
    let lane: ClientLane?
    /// The front door that admitted it, which hears how it ended. Held here so that the router's
    /// callback for it captures the exchange alone, which needs no allocation of its own.
    let door: FrontDoor
    /// The router's handle on a request admitted from a lane.
    var ticket: EngineTicket?
    /// The longest client `X-Request-Id` kept in the trace (and found by `GET /v1/trace/ID`); a
    /// longer one is still passed on.
    static let maxIndexedRequestIDBytes = 128
    /// True once any part of a final response was written to the client.
    var responseStarted = false
    /// True once the whole response was handed to the client connection.
    var responseEnded = false
    /// True once the router reported how the request ended.
    var finished = false
    /// True when the client's request body did not parse: the router calls it off and the client gets 400.
    var malformedBody = false
    /// True when the connection must close after this answer (it cannot be framed for the client).
    var closeAfterAnswer = false
    /// True when the request body goes to replicas in chunks (framed by the router): it came
    /// chunked, as the reader framed it.
    let requestChunked: Bool
    /// What of the client's headers stops at the router, found once.
    private lazy var hopByHop = HopByHopHeaders.find(in: head)
    /// True when the answer goes to the client in chunks (framed by the router).
    var responseChunked = false
    /// True when the client sent `Expect: 100-continue` and has not been told to go on yet.
    private(set) var awaitsContinue: Bool
    /// The client connection the answer goes to; nil once it closed.
    ///
    /// Strong rather than weak: it is read several times per request, and a weak load costs atomic
    /// operations each time. The connection clears it when it closes, which also breaks the cycle.
    var client: FrontDoorHandler?
    /// The upstream call carrying the request now, which takes body parts that arrive late.
    var activeCall: UpstreamCall?

    /// Whether the client keeps the connection open after this answer.
    let keepAlive: Bool
    /// Whether the answer never carries a body whatever its head says (`HTTPMethod.answerHasNoBody`).
    /// Kept: every body part asks.
    let answerHasNoBody: Bool

    /// `framing`: what the head says of the body and the connection, found while it was read
    /// (`RequestReader`), so that no header is looked up again here.
    init(head: ClientHead, framing: RequestFraming, client: FrontDoorHandler) {
        self.head = head
        self.client = client
        self.door = client.door
        self.lane = client.door.lane
        self.keepAlive = framing.keepAlive
        self.answerHasNoBody = head.method.answerHasNoBody
        self.bodyAllowance = Self.bodyAllowance(for: framing.body)
        self.requestChunked = framing.body == .chunked
        self.awaitsContinue = framing.expectsContinue
    }

    /// The body bytes a request may hold: what it declares, up to `keptBodyLimit`; a chunked body
    /// (length unknown) gets the whole limit.
    static func bodyAllowance(for body: BodyFraming) -> Int {
        switch body {
        case .length(let length): min(length, keptBodyLimit)
        case .chunked, .untilClose: keptBodyLimit
        case .none: 0
        }
    }

    /// Whether the router has the request (it may not have told its id yet, from a lane).
    var isAdmitted: Bool { requestID != nil || ticket != nil }

    /// Whether the request may be sent again after a replica started on it (RFC 9110 §9.2.2).
    var isIdempotent: Bool {
        switch head.method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: true
        default: false
        }
    }

    /// The id this request goes by on the wire, sent to the replica and returned to the client as
    /// `X-Request-Id`: the client's own when it sent one, else the router's (`req-12`).
    var wireRequestID: String? {
        if let wireRequestIDKept { return wireRequestIDKept }
        // Kept once known: it is read for the replica and again for the client, and neither the
        // client's header nor the router's id changes.
        wireRequestIDKept = clientRequestID ?? requestID?.description
        return wireRequestIDKept
    }
    private var wireRequestIDKept: String?
    /// The client's own `X-Request-Id`, looked up once: the trace, the replica and the client all
    /// ask for it.
    private lazy var clientRequestID: String? = head.first(RequestIDHeader.name)

    /// The client's own `X-Request-Id`, when it is short enough to keep in the trace.
    var indexedClientRequestID: String? {
        guard let id = clientRequestID, !id.isEmpty,
              id.utf8.count <= Self.maxIndexedRequestIDBytes else { return nil }
        return id
    }

    /// The request's target as replicas get it (before a replica's base path): origin form.
    private(set) lazy var forwardedTarget = RequestTarget.originForm(head.target)

    /// The request head as replicas get it, as bytes: hop-by-hop headers and `Expect` gone (the
    /// router answers it), framing for the body, an `X-Request-Id` added when the client's does not
    /// pass. Written straight from the client's headers, not from an edited copy, in `spare`
    /// when there is one (`SpareHeadBuffer`).
    func forwardedHead(target: String, reusing spare: consuming ByteBuffer?,
                       allocator: ByteBufferAllocator) -> ByteBuffer {
        let hopByHop = self.hopByHop
        var added = AddedHeaders()
        if requestChunked {
            added.append("transfer-encoding", ChunkedFraming.extraCodings(in: head) ?? "chunked")
        }
        // The client's own id passes unless its `Connection` header named it.
        if clientRequestID == nil || hopByHop.drops(RequestIDHeader.name), let id = wireRequestID {
            added.append(RequestIDHeader.name, id)
        }
        return HeadWire.request(version: .http1_1, method: head.method, target: target, head: head,
                                omitting: { hopByHop.drops($0) || $0.equalsLowercase("expect") }, adding: added,
                                reusing: spare, allocator: allocator)
    }

    /// Tells the client to send its body, once: a replica is about to take the request.
    func sendContinueIfAwaited() {
        guard awaitsContinue else { return }
        awaitsContinue = false
        client?.sendContinue(for: self)
    }

    /// Frees the kept body once the request ended; it is not sent again.
    func releaseBody() {
        bodyParts = []
    }

    /// Whether another replica could be sent this request from the start.
    var canBeSentAgain: Bool { !bodyDiscarded }

    /// Bytes held now: the body kept for a replica, or for sending again.
    var heldBytes: Int { bodyDiscarded ? 0 : keptBytes }

    /// Takes one part of the request body; returns why the client must not be read for now, if it
    /// must not: no replica has the request and it holds all it may, or the replica's connection
    /// has all the unsent body it should hold.
    func receivedBody(_ part: ByteBuffer) -> ReadHolds {
        keptBytes += part.readableBytes
        guard let activeCall else {
            // No replica has it yet: it must be kept to be sent at all.
            bodyParts.append(part)
            return keptBytes < bodyAllowance ? [] : .bodyWaiting
        }
        activeCall.forwardBody(part)
        if !bodyDiscarded { bodyParts.append(part) }
        dropKeptBodyBeyondAllowance()
        return activeCall.upstreamIsWritable ? [] : .upstreamFull
    }

    /// Called once what was kept went to a replica: the client may send more, unless the replica's
    /// connection is full.
    func bodyWasSent(upstreamWritable: Bool) {
        dropKeptBodyBeyondAllowance()
        client?.bodyForwarded(holdForUpstream: !upstreamWritable && !bodyComplete)
    }

    /// Beyond the allowance the body is not kept any longer (nor sent again).
    private func dropKeptBodyBeyondAllowance() {
        guard !bodyDiscarded, keptBytes > bodyAllowance else { return }
        bodyDiscarded = true
        bodyParts = []
    }

    func receivedEnd(trailers: HTTPHeaders?) {
        bodyComplete = true
        self.trailers = trailers
        activeCall?.forwardEnd()
    }
}
