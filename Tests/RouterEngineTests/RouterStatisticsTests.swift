import Testing
@testable import RouterEngine

/// The router's statistics on their own: what is recorded at given engine times, read back exactly.
@Suite("Router statistics")
struct RouterStatisticsTests {
    private func statistics(events: Int = 500, traces: Int = 1000) -> RouterStatistics {
        RouterStatistics(eventCapacity: events, traceCapacity: traces)
    }

    @Test("rates are the mean per second over the complete seconds counted, at most five")
    func rates() {
        var stats = statistics()
        stats.requestAdmitted(at: .ms(100))
        stats.requestAdmitted(at: .ms(200))
        stats.requestFailed(at: .ms(300))
        #expect(stats.rateIn(at: .ms(999)) == 0, "no second is complete yet")
        stats.requestAdmitted(at: .ms(1500))
        stats.requestCompleted(at: .ms(1900))
        #expect(stats.rateIn(at: .ms(2000)) == 1.5)
        #expect(stats.rateOut(at: .ms(2000)) == 1, "counted from its first second (1), one second complete")
        #expect(stats.rateFailed(at: .ms(2000)) == 0.5)
        #expect(stats.rateIn(at: .ms(6000)) == 0.2, "seconds 1 to 5: only the one of second 1 is left")
    }

    @Test("fulfilment latency: the window and the lifetime percentiles, in exact microseconds")
    func fulfillment() {
        var stats = statistics()
        stats.requestFulfilled(waited: .ms(1), attempts: 1, previouslyCounted: nil, at: .ms(10))
        stats.requestFulfilled(waited: .ms(2), attempts: 1, previouslyCounted: nil, at: .ms(20))
        stats.requestFulfilled(waited: .ms(0.5), attempts: 3, previouslyCounted: nil, at: .ms(30))
        let window = stats.fulfillment(at: .ms(30))
        #expect(window.count == 3)
        #expect(window.p50 == .ms(1) && window.max == .ms(2))
        #expect(stats.lifetimeFulfillment == window)
        #expect(stats.fulfillment(at: .ms(30_000)).count == 0, "two periods later the window is empty")
        #expect(stats.lifetimeFulfillment.count == 3)
    }

    @Test("a request routed again moves from its old attempt count to its new one")
    func attemptsHistogram() {
        var stats = statistics()
        stats.requestFulfilled(waited: .zero, attempts: 1, previouslyCounted: nil, at: .zero)
        stats.requestFulfilled(waited: .zero, attempts: 1, previouslyCounted: nil, at: .zero)
        stats.requestFulfilled(waited: .zero, attempts: 2, previouslyCounted: 1, at: .zero)
        #expect(stats.attemptsHistogram == [AttemptBucket(attempts: 1, requests: 1), AttemptBucket(attempts: 2, requests: 1)])
        stats.requestFulfilled(waited: .zero, attempts: 4, previouslyCounted: 1, at: .zero)
        #expect(stats.attemptsHistogram == [AttemptBucket(attempts: 2, requests: 1), AttemptBucket(attempts: 4, requests: 1)],
                "a bucket that empties is dropped")
    }

    @Test("attempt counts past the array's end sort after it, and move across it both ways")
    func attemptsHistogramPastTheDirectCounts() {
        let edge = AttemptCounts.directCount
        var stats = statistics()
        for attempts in [edge + 30, edge, edge - 1, 0, edge] {
            stats.requestFulfilled(waited: .zero, attempts: attempts, previouslyCounted: nil, at: .zero)
        }
        #expect(stats.attemptsHistogram == [
            AttemptBucket(attempts: 0, requests: 1), AttemptBucket(attempts: edge - 1, requests: 1),
            AttemptBucket(attempts: edge, requests: 2), AttemptBucket(attempts: edge + 30, requests: 1),
        ])
        stats.requestFulfilled(waited: .zero, attempts: edge + 1, previouslyCounted: edge - 1, at: .zero)
        stats.requestFulfilled(waited: .zero, attempts: 2, previouslyCounted: edge + 30, at: .zero)
        #expect(stats.attemptsHistogram == [
            AttemptBucket(attempts: 0, requests: 1), AttemptBucket(attempts: 2, requests: 1),
            AttemptBucket(attempts: edge, requests: 2), AttemptBucket(attempts: edge + 1, requests: 1),
        ])
    }

    @Test("retry totals count what the router reports")
    func retries() {
        var stats = statistics()
        stats.attemptFailed()
        stats.attemptFailed()
        stats.warned()
        stats.rerouted()
        stats.sendFoundUnavailable()
        var expected = RetryTotals()
        expected.failedAttempts = 2
        expected.warnings = 1
        expected.reroutes = 1
        expected.unavailableSends = 1
        #expect(stats.retries == expected)
    }

    @Test("sleeps are counted by wait and failed attempt; a zero wait is no sleep; a re-timed sleep moves")
    func sleeps() {
        var stats = statistics()
        stats.countSleep(afterFailedAttempt: 1, wait: .zero, by: 1)
        stats.countSleep(afterFailedAttempt: 2, wait: .ms(25), by: 1)
        stats.countSleep(afterFailedAttempt: 3, wait: .ms(50), by: 1)
        stats.countSleep(afterFailedAttempt: 3, wait: .ms(50), by: 1)
        #expect(stats.retries.backoffSleeps == 3)
        #expect(stats.backoffWaitsSlept == [.ms(25), .ms(50)])
        // The settings changed while one slept after its third failure: 50 ms becomes 100 ms.
        stats.countSleep(afterFailedAttempt: 3, wait: .ms(50), by: -1)
        stats.countSleep(afterFailedAttempt: 3, wait: .ms(100), by: 1)
        #expect(stats.retries.backoffSleeps == 3)
        #expect(stats.backoffWaitsByAttempt == [2: [.ms(25)], 3: [.ms(50), .ms(100)]])
        stats.countSleep(afterFailedAttempt: 3, wait: .ms(50), by: -1)
        #expect(stats.backoffWaitsByAttempt == [2: [.ms(25)], 3: [.ms(100)]])
        #expect(stats.backoffWaitsSlept == [.ms(25), .ms(100)])
    }

    @Test("the event log numbers events from 1 and keeps the last `capacity`")
    func events() {
        var stats = statistics(events: 2)
        for index in 1...3 { stats.append(RouterEvent(time: .ms(Double(index)), kind: .info, message: "e\(index)")) }
        #expect(stats.recentEvents(10).map(\.message) == ["e2", "e3"])
        #expect(stats.recentEvents(10).map(\.sequence) == [2, 3])
        #expect(stats.recentEvents(1).map(\.message) == ["e3"])
    }

    @Test("the trace log keeps the last `capacity` traces in order, however often it has wrapped, and counts those dropped; capacity 0 keeps none")
    func traces() {
        var stats = statistics(traces: 2)
        for request in UInt64(1)...3 { stats.keep(RequestTrace(request: request, admittedMs: 0)) }
        let log = stats.traces.recent()
        #expect(log.capacity == 2 && log.evicted == 1)
        #expect(log.traces.map(\.request) == [2, 3])
        #expect(stats.traces.recent(limit: 1).traces.map(\.request) == [3])
        for kept in 1...8 {
            var ring = statistics(traces: 3)
            for request in UInt64(1)...UInt64(kept) { ring.keep(RequestTrace(request: request, admittedMs: 0)) }
            #expect(ring.traces.recent().traces.map(\.request) == Array(UInt64(max(1, kept - 2))...UInt64(kept)), "after \(kept)")
            #expect(ring.traces.recent().evicted == max(0, kept - 3), "after \(kept)")
            #expect(ring.traces.recent(limit: 2).traces.map(\.request) == Array(UInt64(max(1, kept - 1))...UInt64(kept)), "after \(kept)")
            #expect(ring.traces.recent(limit: 0).traces.isEmpty, "after \(kept)")
        }
        var none = statistics(traces: 0)
        none.keep(RequestTrace(request: 1, admittedMs: 0))
        #expect(none.traces.recent().traces.isEmpty && none.traces.recent().evicted == 0)
    }
}
