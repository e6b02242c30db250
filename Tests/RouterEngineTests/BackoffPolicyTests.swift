import Testing
@testable import RouterEngine

struct BackoffPolicyTests {
    @Test func defaultWaitSequence() {
        let policy = RouterSettings.defaults.backoffPolicy()
        let waits = policy.waits(count: 8).map { $0.millisecondsValue }
        #expect(waits == [0, 25, 50, 100, 200, 400, 500, 500])
    }

    @Test func firstRetryIsImmediateButLegacySleeps() {
        #expect(RouterSettings.defaults.backoffPolicy().wait(afterFailedAttempt: 1) == .zero)
        #expect(RouterSettings.defaults.backoffPolicy(legacy: true).wait(afterFailedAttempt: 1) == .milliseconds(25))
        let legacy = RouterSettings.defaults.backoffPolicy(legacy: true).waits(count: 7).map { $0.millisecondsValue }
        #expect(legacy == [25, 50, 100, 200, 400, 500, 500])
    }

    @Test(arguments: [
        (RouterSettings(initialBackoff: 0.1, backoffMultiplier: 1, maxBackoff: 0.1), [0.0, 100, 100, 100]),
        (RouterSettings(initialBackoff: 0.01, backoffMultiplier: 1.5, maxBackoff: 1), [0.0, 10, 15, 22.5]),
        (RouterSettings(initialBackoff: 0, backoffMultiplier: 2, maxBackoff: 0), [0.0, 1, 1, 1]),
    ])
    func customPolicies(settings: RouterSettings, expected: [Double]) {
        let waits = settings.backoffPolicy().waits(count: expected.count).map { ($0.millisecondsValue * 1000).rounded() / 1000 }
        #expect(waits == expected)
    }

    @Test func zeroWaitsFromTheSecondRetryOnAreTheOneMillisecondFloorInEveryPolicy() {
        let zero = BackoffPolicy(initial: 0, multiplier: 2, maximum: 0.5)
        #expect(zero.waits(count: 4) == [.zero, .milliseconds(1), .milliseconds(1), .milliseconds(1)])
        let legacyZero = BackoffPolicy(initial: 0, multiplier: 2, maximum: 0.5, legacy: true)
        #expect(legacyZero.waits(count: 3) == [.zero, .milliseconds(1), .milliseconds(1)])
    }

    @Test func hugeAttemptCountsAndMultipliersSaturateAtTheMaximum() {
        let policy = BackoffPolicy(initial: 0.025, multiplier: 1e300, maximum: 0.5)
        #expect(policy.wait(afterFailedAttempt: 1_000_000) == .milliseconds(500))
        let steep = BackoffPolicy(initial: 1e300, multiplier: 1e300, maximum: 1e308)
        #expect(steep.wait(afterFailedAttempt: 50) == .nanoseconds(Int64.max))
    }
}

struct ProbeDeadlineTests {
    @Test func doublesPerAttemptUpToTheMaximum() {
        let deadlines = (0..<7).map { ProbeDeadline.seconds(attempt: $0, base: 0.1, maximum: 1.0) }
        #expect(deadlines == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0])
    }

    @Test func neverBelowTheBaseAndSafeForHugeAttempts() {
        #expect(ProbeDeadline.seconds(attempt: 3, base: 0.5, maximum: 0.2) == 0.5)
        #expect(ProbeDeadline.seconds(attempt: Int.max, base: 0.1, maximum: 1.0) == 1.0)
        #expect(ProbeDeadline.seconds(attempt: 10_000, base: 1e-9, maximum: 2) == 2)
    }
}
