import NIOCore
import NIOHTTP1
import RouterEngine
@testable import RouterHTTP
import Testing

@Suite("call state machines")
struct CallStateTests {
    @Test("answered twice: the second outcome is ignored")
    func answeredTwice() {
        var report = CallReport<SendOutcome>()
        report.startReturned()
        guard case .reportNow(.completed) = report.outcome(.completed) else {
            Issue.record("the first outcome was not reported")
            return
        }
        guard case .ignore = report.outcome(.failedMidResponse(retryable: true)) else {
            Issue.record("a second outcome was reported")
            return
        }
        #expect(!report.isOpen)
        let result1 = report.cancel().wasRunning
        #expect(!result1)
    }

    @Test("deferred while starting: reported on the next turn, or not at all after a cancel")
    func deferredWhileStarting() {
        var report = CallReport<ProbeAnswer>()
        guard case .reportLater = report.outcome(.unavailable) else {
            Issue.record("an outcome found while starting was reported at once")
            return
        }
        report.startReturned()
        guard case .ignore = report.outcome(.queueLength(3)) else {
            Issue.record("a second outcome after the deferred one was taken")
            return
        }
        let result2 = report.deferredTurn()
        #expect(result2 == .unavailable)
        let result3 = report.deferredTurn()
        #expect(result3 == nil)

        var cancelled = CallReport<ProbeAnswer>()
        _ = cancelled.outcome(.unavailable)
        let left = cancelled.cancel()
        #expect(left.wasRunning)
        // The deferred outcome comes back to the caller, to be let go of outside the report.
        guard case .deferred(.unavailable) = left else {
            Issue.record("the state left by the cancel was \(left)")
            return
        }
        let result5 = cancelled.deferredTurn()
        #expect(result5 == nil)
    }

    @Test("closed mid-body: a GET whose answer reached the client is not routed again")
    func closedMidBody() {
        var state = UpstreamCallState()
        let result6 = state.connected(wanted: true, canBeSent: true)
        #expect(result6 == .send)
        let result7 = state.requestEnded()
        #expect(result7)
        let result8 = state.requestEnded()
        #expect(!result8)
        let result9 = state.head(refusedWithQueueLength: nil)
        #expect(result9)
        #expect(state.passesAnswerOn)
        let result10 = state.closed(idempotent: true, bodyKept: true)
        #expect(result10 == false, "part of the answer was passed on: it cannot be sent again")
        let result11 = state.closed(idempotent: true, bodyKept: true)
        #expect(result11 == nil)
        let result12 = state.answerEnded()
        #expect(result12 == nil)
    }

    @Test("closed before the answer: a GET may go elsewhere, a POST or a body not kept may not")
    func closedBeforeAnswer() {
        for (idempotent, kept, retryable) in [(true, true, true), (false, true, false), (true, false, false)] {
            var state = UpstreamCallState()
            _ = state.connected(wanted: true, canBeSent: true)
            let result13 = state.closed(idempotent: idempotent, bodyKept: kept)
            #expect(result13 == retryable)
        }
    }

    @Test("closed over a bad answer: the rule it broke is the failure's cause, and a GET may still go elsewhere")
    func closedOverBadAnswer() {
        var state = UpstreamCallState()
        _ = state.connected(wanted: true, canBeSent: true)
        let retryable = state.closed(idempotent: true, bodyKept: true)
        #expect(retryable == true)
        #expect(SendOutcome.closedMidAnswer(retryable: true, brokenRule: .conflictingFraming)
            == .failedMidResponse(retryable: true, cause: "bad answer: both Content-Length and Transfer-Encoding"))
        #expect(SendOutcome.closedMidAnswer(retryable: false, brokenRule: nil)
            == .failedMidResponse(retryable: false, cause: "connection reset"))
    }

    @Test("a full replica's answer is swallowed and reported as a refusal; an unsent request closes")
    func refusal() {
        var state = UpstreamCallState()
        _ = state.connected(wanted: true, canBeSent: true)
        let passed = state.head(refusedWithQueueLength: .some(4))
        #expect(!passed)
        #expect(!state.passesAnswerOn)
        let result14 = state.answerEnded()
        #expect(result14 == .close(.rejected(queueLength: 4)))
    }

    @Test("a connection that arrives after a cancel is given back; a body not kept fails the call")
    func connectedLate() {
        var cancelled = UpstreamCallState()
        cancelled.cancel()
        let result15 = cancelled.connected(wanted: true, canBeSent: true)
        #expect(result15 == .release)
        var unwanted = UpstreamCallState()
        let result16 = unwanted.connected(wanted: false, canBeSent: true)
        #expect(result16 == .release)
        var large = UpstreamCallState()
        let result17 = large.connected(wanted: true, canBeSent: false)
        #expect(result17 == .releaseAndFail(.failedMidResponse(retryable: false, cause: "request body could not be sent again")))
        var failed = UpstreamCallState()
        let result18 = failed.connectFailed()
        #expect(result18 == .connectionRefused)
        let result19 = failed.connectFailed()
        #expect(result19 == nil)
    }
}

@Suite("front door parts")
struct FrontDoorPartsTests {
    @Test("a read asked for while held goes ahead when the last hold is lifted")
    func readGate() {
        var gate = ReadGate()
        let result20 = gate.askToRead()
        #expect(result20)
        gate.hold([.bodyWaiting, .pipelineFull])
        let result21 = gate.askToRead()
        #expect(!result21)
        let result22 = gate.lift(.bodyWaiting)
        #expect(!result22)
        let result23 = gate.lift(.pipelineFull)
        #expect(result23)
        let result24 = gate.lift(.pipelineFull)
        #expect(!result24)
        let result25 = gate.askToRead()
        #expect(result25)
    }

    @Test("header, idle and busy deadlines")
    func connectionWait() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var wait = ConnectionWait(openedAt: start, headerTimeout: .seconds(10), idleTimeout: .seconds(60))
        #expect(wait.check(at: start + .seconds(9)) == .checkAgain(at: start + .seconds(10)))
        #expect(wait.check(at: start + .seconds(10)) == .expired(.header))
        wait.requestStarted()
        #expect(wait.check(at: start + .seconds(30)) == .checkAgain(at: start + .seconds(40)))
        wait.answered(at: start + .seconds(30))
        #expect(wait.check(at: start + .seconds(80)) == .checkAgain(at: start + .seconds(90)))
        #expect(wait.check(at: start + .seconds(90)) == .expired(.idle))
        // Bytes of a new head on an idle connection: the header timeout runs from them.
        wait.bytesArrived(at: start + .seconds(35))
        #expect(wait.check(at: start + .seconds(45)) == .expired(.header))
    }

    @Test("targets: absolute form becomes origin form; * names a base path")
    func requestTargets() {
        #expect(RequestTarget.originForm("http://example.com/a/b?c=1") == "/a/b?c=1")
        #expect(RequestTarget.originForm("http://example.com") == "/")
        #expect(RequestTarget.originForm("http://example.com?q") == "/?q")
        #expect(RequestTarget.originForm("/plain") == "/plain")
        #expect(RequestTarget.originForm("*") == "*")
        #expect(RequestTarget.withBasePath("/base", "*") == "/base")
        #expect(RequestTarget.withBasePath("/base", "/x") == "/base/x")
        #expect(RequestTarget.withBasePath("", "*") == "*")
    }

    @Test("Connection: host does not remove Host, nor Connection: content-length the length")
    func connectionNamesEndToEnd() {
        let headers = HTTPHeaders([("Host", "a"), ("Connection", "host, content-length, x-drop"),
                                   ("Content-Length", "3"), ("X-Drop", "1")])
        #expect(HopByHopHeaders.passing(headers).headers.map(\.name) == ["Host", "Content-Length"])
    }
}

@Suite("proxy start-up warnings")
struct StartupWarningTests {
    @Test("a probe deadline no probe can meet is warned about; the defaults are not")
    func impossibleProbeDeadline() {
        #expect(ProxyConfiguration().startupWarnings.isEmpty)
        var configuration = ProxyConfiguration()
        configuration.settings.probeDeadline = 1e-9
        configuration.settings.maxProbeDeadline = 1e-9
        let warnings = configuration.startupWarnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("every probe will time out") == true)
    }
}

@Suite("probe call state")
struct ProbeCallStateTests {
    @Test("a reply's status and body make the answer, once")
    func answers() {
        var ok = ProbeCallState()
        ok.head(.ok)
        ok.body(Array("{\"queue_length\": ".utf8))
        ok.body(Array("3}".utf8))
        let three = ok.ended()
        #expect(three == .queueLength(3))
        let again = ok.closed()
        #expect(again == nil, "answered twice")

        var missing = ProbeCallState()
        missing.head(.notFound)
        let unsupported = missing.ended()
        #expect(unsupported == .unsupported)

        var failing = ProbeCallState()
        failing.head(.serviceUnavailable)
        let unavailable = failing.ended()
        #expect(unavailable == .unavailable)
    }

    @Test("closed mid-body: unavailable, and the end that never comes changes nothing")
    func closedMidBody() {
        var state = ProbeCallState()
        state.head(.ok)
        state.body(Array("{\"queue_len".utf8))
        let closed = state.closed()
        #expect(closed == .unavailable)
        let ended = state.ended()
        #expect(ended == nil)
    }

    @Test("a 200 that is not a queue length: counted locally, with its first 80 bytes shown")
    func unexpectedAnswer() {
        var page = ProbeCallState()
        page.head(.ok)
        let html = "<!doctype html>\n<html><body>" + String(repeating: "x", count: 100) + "</body></html>"
        page.body(Array(html.utf8))
        let answer = page.ended()
        let shown = "\"<!doctype html>.<html><body>" + String(repeating: "x", count: 80 - 28) + "\"…"
        #expect(answer == .unexpected(shown))
    }

    @Test("a body past the limit is cut, not grown")
    func bodyLimit() {
        var state = ProbeCallState()
        state.head(.ok)
        state.body(Array("{\"queue_length\": 5}".utf8))
        state.body([UInt8](repeating: 32, count: ProbeCallState.maxBody))
        let answer = state.ended()
        #expect(answer == .queueLength(5))
    }
}
