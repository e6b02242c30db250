import Testing
@testable import RouterEngine

/// The folding of failure lines on its own: which line each step writes and when it asks to be called back.
@Suite("Failure event lines")
struct FailureEventLinesTests {
    private typealias Step = FailureEventLines.Step
    private typealias Line = FailureEventLines.Line

    private func errors(_ count: Int, _ last: String) -> String { "r1: \(count) errors, last: \(last)" }

    @Test("a throttled key writes its first line at once, then one line with the count per 5 s window")
    func throttle() {
        var lines = FailureEventLines()
        let first = lines.throttle("errors:r1", .warning, detail: "reset", at: .ms(1000), message: errors)
        #expect(first == Step(line: Line(kind: .warning, message: "r1: 1 errors, last: reset")))
        let second = lines.throttle("errors:r1", .warning, detail: "refused", at: .ms(2000), message: errors)
        #expect(second == Step(callBackAt: .ms(6000)), "the window ends 5 s after the line written")
        let third = lines.throttle("errors:r1", .warning, detail: "died", at: .ms(3000), message: errors)
        #expect(third == .nothing, "the flush is already asked for")
        #expect(lines.throttle("routing-timeout", .warning, detail: "", at: .ms(3000), message: errors).line != nil,
                "keys fold apart")
        #expect(lines.flush("errors:r1", at: .ms(6000)) == Step(line: Line(kind: .warning, message: "r1: 2 errors, last: died")))
        // The next occurrence falls in the window the flush opened.
        #expect(lines.throttle("errors:r1", .warning, detail: "reset", at: .ms(7000), message: errors)
            == Step(callBackAt: .ms(11_000)))
        #expect(lines.flush("errors:r1", at: .ms(11_000)).line?.message == "r1: 1 errors, last: reset")
        // A window that ends with nothing counted writes nothing, and the key starts afresh.
        #expect(lines.flush("errors:r1", at: .ms(16_000)) == .nothing)
        #expect(lines.throttle("errors:r1", .warning, detail: "reset", at: .ms(16_500), message: errors).line != nil)
    }

    @Test("shedding is one line when it starts and one with its total after a quiet second")
    func shedding() {
        var lines = FailureEventLines()
        #expect(lines.shed(at: .ms(100), limit: 2) == Step(
            line: Line(kind: .warning, message: "shedding: 2 requests pending (the limit); new requests fail at once"),
            callBackAt: .ms(1100)))
        #expect(lines.shed(at: .ms(200), limit: 2) == .nothing)
        #expect(lines.shed(at: .ms(600), limit: 2) == .nothing)
        #expect(lines.checkShedding(at: .ms(1100)) == Step(callBackAt: .ms(1600)), "the last shed was at 0.6 s")
        #expect(lines.shedding?.shed == 3)
        #expect(lines.checkShedding(at: .ms(1600)) == Step(
            line: Line(kind: .info, message: "shedding stopped: 3 requests shed over 0.5s")))
        #expect(lines.shedding == nil)
        #expect(lines.checkShedding(at: .ms(2000)) == .nothing)
        #expect(lines.shed(at: .ms(3000), limit: 2).line != nil, "a new episode")
    }
}
