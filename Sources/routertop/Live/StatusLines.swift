import Foundation
import RouterEngine

/// A plain status line per interval on standard output, for terminals where the dashboard is not
/// wanted.
enum StatusLines {
    static func run(control: any RouterControl, every interval: Duration) -> Never {
        while true {
            Thread.sleep(forTimeInterval: interval.secondsValue)
            // Written straight to the descriptor, so each line shows at once even through a pipe.
            FileHandle.standardOutput.write(Data((line(for: control.latestSnapshot()) + "\n").utf8))
        }
    }

    static func line(for snapshot: RouterSnapshot) -> String {
        func ms(_ value: Duration?) -> String {
            value.map { String(format: "%.1fms", $0.millisecondsValue) } ?? "-"
        }
        let settings = snapshot.settings
        let mark = snapshot.settingsChanged ? "*" : ""
        let busiest = snapshot.replicas.map { "\($0.id)=\($0.queueLength)/\($0.maxOngoingRequests)" }.joined(separator: " ")
        return String(
            format: "t=%.0fs in=%.0f/s out=%.0f/s pending=%d running=%d tasks=%d/%d backoff=%d p50=%@ p99=%@ params=%@/%@/%@%@ %@",
            snapshot.time.seconds, snapshot.rateIn, snapshot.rateOut, snapshot.totals.pending, snapshot.totals.running,
            snapshot.routingTasks, snapshot.maxRoutingTasks, snapshot.tasksInBackoff,
            ms(snapshot.fulfillment.p50), ms(snapshot.fulfillment.p99),
            SettingText.format(settings.initialBackoff), SettingText.format(settings.backoffMultiplier),
            SettingText.format(settings.maxBackoff), mark, busiest
        )
    }
}
