import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RouterEngine
import RouterRuntime

/// Every 10 s a headless router logs one line: what it did since the last line and what waits now.
enum HeadlessStatistics {
    static let interval: TimeAmount = .seconds(10)

    static func start(live: LiveRouter, on eventLoop: any EventLoop, logger: Logger) -> RepeatedTask {
        let last = NIOLockedValueBox(live.latestSnapshot())
        return eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let now = live.latestSnapshot()
            let before = last.withLockedValue { previous in
                defer { previous = now }
                return previous
            }
            logger.info("\(line(from: before, to: now))")
        }
    }

    /// "rate 12.3 req/s, failed 0 (…), pending 0, tasks 0/8, in backoff 0, fulfilment p50 1.2 ms p99 3.4 ms".
    static func line(from before: RouterSnapshot, to now: RouterSnapshot) -> String {
        let seconds = max((now.time - before.time).secondsValue, 0.001)
        let rate = Double(now.totals.admitted - before.totals.admitted) / seconds
        let failures = FailureReason.allCases.compactMap { reason -> String? in
            let count = (now.totals.failed[reason] ?? 0) - (before.totals.failed[reason] ?? 0)
            return count > 0 ? "\(reason.rawValue)=\(count)" : nil
        }
        func milliseconds(_ duration: Duration?) -> String {
            duration.map { String(format: "%.1f ms", $0.millisecondsValue) } ?? "-"
        }
        let failed = failures.isEmpty ? "failed 0" : "failed \(failures.joined(separator: " "))"
        return "rate \(String(format: "%.1f", rate)) req/s, \(failed), pending \(now.totals.pending), "
            + "tasks \(now.routingTasks)/\(now.maxRoutingTasks), in backoff \(now.tasksInBackoff), "
            + "fulfilment p50 \(milliseconds(now.fulfillment.p50)) p99 \(milliseconds(now.fulfillment.p99))"
    }
}
