import NIOCore
import NIOHTTP1
@testable import RouterHTTP
import Testing

/// A request as the pipeline sees it: something to start, answer and call off.
private final class Request: CustomStringConvertible {
    let uri: String
    /// The bytes of its head: `GET /a HTTP/1.1`, `host: a` and the empty line (28 for `/a`).
    let headBytes: Int
    init(_ uri: String) {
        self.uri = uri
        headBytes = "GET \(uri) HTTP/1.1\r\nhost: a\r\n\r\n".utf8.count
    }
    var description: String { "request \(uri)" }
}

/// Counts how often the time is read.
private final class ManualClock {
    var now: NIODeadline
    private(set) var reads = 0
    init(_ now: NIODeadline) { self.now = now }
    func read() -> NIODeadline {
        reads += 1
        return now
    }
    func advance(_ amount: TimeAmount) { now = now + amount }
}

private typealias Pipeline = FrontDoorPipeline<Request>

@Suite("front door pipeline (state machine)")
struct FrontDoorPipelineTests {
    private static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private static func pipeline(maxQueuedBytes: Int = 64 << 10) -> Pipeline {
        Pipeline(maxQueuedBytes: maxQueuedBytes,
                 wait: ConnectionWait(openedAt: start, headerTimeout: .seconds(10), idleTimeout: .seconds(60)))
    }

    /// Sends a whole bodiless request; returns the actions for its head and its end.
    private static func send(_ request: Request, to pipeline: inout Pipeline) -> (Pipeline.InputAction, Pipeline.InputAction) {
        let head = pipeline.headReceived(request, headBytes: request.headBytes)
        return (head, pipeline.endReceived(nil))
    }

    /// Takes the queue until it says done; returns the actions taken, named, and whether to read.
    private static func drain(_ pipeline: inout Pipeline, now: NIODeadline = start) -> (taken: [String], read: Bool) {
        var taken: [String] = []
        while true {
            switch pipeline.nextQueued(now: now) {
            case .take(let action): taken.append(name(action))
            case .done(let read): return (taken, read)
            }
        }
    }

    private static func name(_ action: Pipeline.InputAction) -> String {
        switch action {
        case .none: "none"
        case .start(let request): "start \(request.uri)"
        case .body(let request, let body): "body \(request.uri) \(body.readableBytes)"
        case .end(let request, _, let read): "end \(request.uri)\(read ? " read" : "")"
        case .callOff(let request): "call off \(request.uri)"
        case .refuseMalformed: "400"
        case .close: "close"
        }
    }

    @Test("one request at a time: pipelined ones wait and start in order as each answer ends")
    func pipelinedInOrder() {
        var pipeline = Self.pipeline()
        let (a, b, c) = (Request("/a"), Request("/b"), Request("/c"))
        let (startA, endA) = Self.send(a, to: &pipeline)
        #expect(Self.name(startA) == "start /a")
        #expect(Self.name(endA) == "end /a")
        let (startB, endB) = Self.send(b, to: &pipeline)
        let (startC, endC) = Self.send(c, to: &pipeline)
        #expect([startB, endB, startC, endC].map(Self.name) == ["none", "none", "none", "none"])
        #expect(pipeline.current === a)
        #expect(pipeline.queuedBytes > 0)

        #expect(pipeline.answerEnded(a, now: Self.start) == .drain(read: false))
        let first = Self.drain(&pipeline)
        #expect(first.taken == ["start /b", "end /b"], "/c waits for the answer to /b")
        #expect(pipeline.current === b)
        #expect(pipeline.answerEnded(b, now: Self.start) == .drain(read: false))
        #expect(Self.drain(&pipeline).taken == ["start /c", "end /c"])
        #expect(pipeline.answerEnded(c, now: Self.start) == .ended(read: false))
        #expect(pipeline.current == nil)
        #expect(pipeline.queuedBytes == 0)
    }

    @Test("a body passes on while it arrives; its end lifts the holds it set and reads on")
    func bodyAndHolds() {
        var pipeline = Self.pipeline()
        let request = Request("/upload")
        #expect(Self.name(pipeline.headReceived(request, headBytes: request.headBytes)) == "start /upload")
        #expect(Self.name(pipeline.bodyReceived(ByteBuffer(repeating: 1, count: 10))) == "body /upload 10")
        // The request holds all the body it may: the connection holds the reads.
        pipeline.hold(.bodyWaiting)
        let reads1 = pipeline.readRequested()
        #expect(!reads1)
        #expect(Self.name(pipeline.endReceived(nil)) == "end /upload read")
        #expect(pipeline.readHolds.isEmpty)
    }

    @Test("a head waits while a request is in progress or input is queued, and once closed")
    func nextHeadWaits() {
        var pipeline = Self.pipeline()
        #expect(!pipeline.nextHeadWaits)
        let (a, b) = (Request("/a"), Request("/b"))
        _ = pipeline.headReceived(a, headBytes: a.headBytes)
        #expect(pipeline.nextHeadWaits, "/a is being received")
        _ = pipeline.endReceived(nil)
        _ = pipeline.headReceived(b, headBytes: b.headBytes)
        #expect(pipeline.nextHeadWaits, "/a is being answered, /b waits")
        #expect(pipeline.answerEnded(a, now: Self.start) == .drain(read: false))
        #expect(Self.drain(&pipeline).taken == ["start /b"])
        #expect(pipeline.nextHeadWaits, "/b is being received")
        _ = pipeline.endReceived(nil)
        #expect(pipeline.answerEnded(b, now: Self.start) == .ended(read: false))
        #expect(!pipeline.nextHeadWaits)
        _ = pipeline.connectionClosed()
        #expect(pipeline.nextHeadWaits, "closed: a head is dropped")
    }

    @Test("past the byte limit the client is not read until the queue drains under it")
    func byteLimitStopsReading() {
        // A queued head here counts its 28 bytes and an end 16: four requests make 176.
        var pipeline = Self.pipeline(maxQueuedBytes: 150)
        let first = Request("/0")
        _ = Self.send(first, to: &pipeline)
        let waiting = (1...4).map { Request("/\($0)") }
        for request in waiting.prefix(3) { _ = Self.send(request, to: &pipeline) }
        let reads2 = pipeline.readRequested()
        #expect(reads2, "132 bytes queued: still read")
        _ = Self.send(waiting[3], to: &pipeline)
        #expect(pipeline.readHolds == .pipelineFull)
        let reads3 = pipeline.readRequested()
        #expect(!reads3, "176 bytes queued: the read waits")

        #expect(pipeline.answerEnded(first, now: Self.start) == .drain(read: false), "still full when it ends")
        let drained = Self.drain(&pipeline)
        #expect(drained.taken == ["start /1", "end /1"])
        #expect(drained.read, "under the limit again: the read that waited goes ahead")
        #expect(pipeline.readHolds.isEmpty)
        #expect(pipeline.queuedBytes == 132)
    }

    @Test("malformed input behind an answer waits for it, then gets 400; nothing more is read")
    func malformedBehindAnswer() {
        var pipeline = Self.pipeline()
        let request = Request("/a")
        _ = Self.send(request, to: &pipeline)
        #expect(Self.name(pipeline.errorCaught(HTTPParserError.invalidHeaderToken)) == "none")
        #expect(pipeline.readHolds == .stopped)
        let reads4 = pipeline.readRequested()
        #expect(!reads4)
        #expect(Self.name(pipeline.errorCaught(HTTPParserError.invalidHeaderToken)) == "none",
                "the decoder reports every later read as an error too: ignored")
        #expect(pipeline.answerEnded(request, now: Self.start) == .drain(read: false))
        let drained = Self.drain(&pipeline)
        #expect(drained.taken == ["400"])
        #expect(!drained.read)
    }

    @Test("malformed input between requests: 400 at once, or a close after Connection: close")
    func malformedBetweenRequests() {
        var pipeline = Self.pipeline()
        #expect(Self.name(pipeline.errorCaught(HTTPParserError.invalidMethod)) == "400")
        var closing = Self.pipeline()
        #expect(Self.name(closing.errorCaught(HTTPParserError.closedConnection)) == "close")
        var other = Self.pipeline()
        #expect(Self.name(other.errorCaught(ChannelError.ioOnClosedChannel)) == "close", "not a parse error")
    }

    @Test("a body that does not parse calls its request off; the answer then ends it")
    func malformedMidBody() {
        var pipeline = Self.pipeline()
        let request = Request("/upload")
        _ = pipeline.headReceived(request, headBytes: request.headBytes)
        #expect(Self.name(pipeline.errorCaught(HTTPParserError.invalidChunkSize)) == "call off /upload")
        #expect(pipeline.current === request)
        #expect(pipeline.answerEnded(request, now: Self.start) == .ended(read: false))
    }

    @Test("an answer that ends while the queue is taken does not take it again; the drain goes on")
    func answerEndsWhileDraining() {
        var pipeline = Self.pipeline()
        let (a, b, c) = (Request("/a"), Request("/b"), Request("/c"))
        for request in [a, b, c] { _ = Self.send(request, to: &pipeline) }
        #expect(pipeline.answerEnded(a, now: Self.start) == .drain(read: false))
        guard case .take(.start(let started)) = pipeline.nextQueued(now: Self.start), started === b,
              case .take(.end(let ended, _, _)) = pipeline.nextQueued(now: Self.start), ended === b else {
            Issue.record("/b was not taken from the queue")
            return
        }
        // Passing /b's end on answered it at once (its replica failed, say): the outer drain goes on.
        #expect(pipeline.answerEnded(b, now: Self.start) == .ended(read: false))
        #expect(Self.drain(&pipeline).taken == ["start /c", "end /c"])
    }

    @Test("close while an answer is outstanding: its request is called off; every later event is ignored")
    func closeWhileAnswering() {
        var pipeline = Self.pipeline()
        let (a, b) = (Request("/a"), Request("/b"))
        _ = Self.send(a, to: &pipeline)
        _ = pipeline.headReceived(b, headBytes: b.headBytes)
        #expect(pipeline.connectionClosed() === a)
        #expect(pipeline.queuedBytes == 0)
        #expect(pipeline.current == nil)
        #expect(pipeline.answerEnded(a, now: Self.start) == .none)
        #expect(Self.name(pipeline.endReceived(nil)) == "none")
        // The decoder hands on what it parsed before the close after the close.
        #expect(Self.name(pipeline.headReceived(Request("/c"), headBytes: b.headBytes)) == "none")
        #expect(Self.name(pipeline.errorCaught(HTTPParserError.invalidMethod)) == "none")
        #expect(pipeline.timerFired(now: Self.start + .seconds(100)) == .none)
        #expect(pipeline.connectionClosed() == nil)

        var receiving = Self.pipeline()
        let upload = Request("/upload")
        _ = receiving.headReceived(upload, headBytes: upload.headBytes)
        #expect(receiving.connectionClosed() === upload, "a request still arriving is called off too")
        var idle = Self.pipeline()
        #expect(idle.connectionClosed() == nil)
    }

    @Test("a close while the queue is taken ends the drain")
    func closeWhileDraining() {
        var pipeline = Self.pipeline()
        let (a, b, c) = (Request("/a"), Request("/b"), Request("/c"))
        for request in [a, b, c] { _ = Self.send(request, to: &pipeline) }
        #expect(pipeline.answerEnded(a, now: Self.start) == .drain(read: false))
        guard case .take(.start) = pipeline.nextQueued(now: Self.start) else {
            Issue.record("/b did not start")
            return
        }
        // Starting /b closed the connection (a refusal that closes).
        #expect(pipeline.connectionClosed() === b)
        let drained = Self.drain(&pipeline)
        #expect(drained.taken.isEmpty)
        #expect(!drained.read)
    }

    @Test("header timeout: 408 when no whole head came; nothing more is read")
    func headerTimeout() {
        var pipeline = Self.pipeline()
        #expect(pipeline.connectionOpened(now: Self.start) == .arm(at: Self.start + .seconds(10)))
        #expect(pipeline.timerFired(now: Self.start + .seconds(9)) == .arm(at: Self.start + .seconds(10)))
        #expect(pipeline.timerFired(now: Self.start + .seconds(10)) == .headerTimedOut)
        #expect(pipeline.readHolds == .stopped)
    }

    @Test("idle timeout after an answer; bytes of a new head start the header timeout; none while busy")
    func idleTimeout() {
        let clock = ManualClock(Self.start)
        var pipeline = Self.pipeline()
        let request = Request("/a")
        _ = Self.send(request, to: &pipeline)
        clock.advance(.seconds(30))
        pipeline.readComplete(now: clock.read())
        #expect(clock.reads == 0, "a read mid-request does not read the time")
        #expect(pipeline.timerFired(now: clock.now) == .arm(at: clock.now + .seconds(10)), "busy: no timeout")
        #expect(pipeline.answerEnded(request, now: clock.read()) == .ended(read: false))
        #expect(clock.reads == 1)
        #expect(pipeline.timerFired(now: clock.now + .seconds(59)) == .arm(at: clock.now + .seconds(60)))
        #expect(pipeline.timerFired(now: clock.now + .seconds(60)) == .idleTimedOut)

        // Half a head arrives 5 s after the answer: the header timeout runs from then.
        clock.advance(.seconds(5))
        pipeline.readComplete(now: clock.read())
        #expect(clock.reads == 2)
        #expect(pipeline.timerFired(now: clock.now + .seconds(10)) == .headerTimedOut)
    }

    @Test("the wait after a drain runs from when the queue ran out")
    func idleAfterDrain() {
        var pipeline = Self.pipeline()
        let (a, b) = (Request("/a"), Request("/b"))
        _ = Self.send(a, to: &pipeline)
        _ = Self.send(b, to: &pipeline)
        #expect(pipeline.answerEnded(a, now: Self.start) == .drain(read: false))
        _ = Self.drain(&pipeline)
        #expect(pipeline.timerFired(now: Self.start + .seconds(100)) == .arm(at: Self.start + .seconds(110)),
                "/b in progress: no timeout")
        #expect(pipeline.answerEnded(b, now: Self.start + .seconds(100)) == .ended(read: false))
        #expect(pipeline.timerFired(now: Self.start + .seconds(160)) == .idleTimedOut)
    }

    @Test("an impossible event stops the program: a body with no request, an answer that ends twice")
    func impossibleEvents() async {
        await #expect(processExitsWith: .failure) {
            var pipeline = FrontDoorPipeline<Request>(
                maxQueuedBytes: 100, wait: ConnectionWait(openedAt: .now(), headerTimeout: .seconds(1),
                                                          idleTimeout: .seconds(1)))
            _ = pipeline.bodyReceived(ByteBuffer())
        }
        await #expect(processExitsWith: .failure) {
            var pipeline = FrontDoorPipeline<Request>(
                maxQueuedBytes: 100, wait: ConnectionWait(openedAt: .now(), headerTimeout: .seconds(1),
                                                          idleTimeout: .seconds(1)))
            let request = Request("/a")
            _ = pipeline.headReceived(request, headBytes: request.headBytes)
            _ = pipeline.endReceived(nil)
            _ = pipeline.answerEnded(request, now: .now())
            _ = pipeline.answerEnded(request, now: .now())
        }
    }
}
