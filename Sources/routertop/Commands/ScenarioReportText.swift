import Foundation
import RouterEngine
import RouterSimulation

/// The readable form of a scenario report.
enum ScenarioReportText {
    static func render(_ report: ScenarioReport, file: String, kind: String = "scenario") -> String {
        var lines: [String] = []
        let policy = report.legacyBackoff ? "legacy (first retry sleeps)" : "default (first retry immediate)"
        lines.append("\(kind) \(file): seed \(report.seed), \(SettingText.format(report.durationS)) s of virtual time, backoff \(policy)")
        lines.append("")
        let failed = report.failed.values.reduce(0, +)
        lines.append("requests   admitted \(report.admitted)  completed \(report.completed)  failed \(failed)  pending \(report.pending)  running \(report.running)  conserved \(report.conserved ? "yes" : "NO")")
        let reasons = report.failed.keys.sorted().filter { report.failed[$0]! > 0 }.map { "\($0) \(report.failed[$0]!)" }
        if !reasons.isEmpty { lines.append("failed     \(reasons.joined(separator: "  "))") }
        let f = report.fulfillmentMs
        lines.append(String(format: "fulfilment p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms", f.p50, f.p90, f.p99, f.max))
        let attempts = report.attemptsHistogram.keys.compactMap(Int.init).sorted().map { "\($0): \(report.attemptsHistogram["\($0)"]!)" }
        lines.append("attempts   \(attempts.joined(separator: "  "))")
        let waits = report.backoffWaitsMs.map { SettingText.format($0) }
        lines.append("waits (ms) \(waits.isEmpty ? "none slept" : waits.joined(separator: ", "))")
        let r = report.retries
        lines.append("retries    failed attempts \(r.failedAttempts)  backoff sleeps \(r.backoffSleeps)  re-routes \(r.reroutes)  unavailable sends \(r.unavailableSends)  warnings \(r.warnings)")
        if let models = report.models { lines += modelLines(models) }
        let p = report.params
        lines.append("params     initial \(SettingText.format(p.initialBackoff)) s  multiplier \(SettingText.format(p.backoffMultiplier))  max \(SettingText.format(p.maxBackoff)) s  probe deadline \(SettingText.format(p.probeDeadline)) s (max \(SettingText.format(p.maxProbeDeadline)) s)  cache TTL \(SettingText.format(p.cacheTimeout)) s  model match \(SettingText.format(p.modelMatchingTimeout)) s")
        lines.append("")
        let header = ["replica", "state", "routed", "completed", "rejected", "probe timeouts"]
        let rows = report.replicas.map { [$0.id, $0.finalState, "\($0.routed)", "\($0.completed)", "\($0.rejected)", "\($0.probeTimeouts)"] }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            lines.append(row.enumerated().map { column, cell in
                column < 2 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// What the router itself saw over the recorded window, to set beside a replay's figures.
    static func recordedLine(_ observed: Recording.Observed) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.3f ms", $0) } ?? "none" }
        let failures = observed.failures.keys.sorted().map { "\($0) \(observed.failures[$0]!)" }
        return "\nrecorded   fulfilment p50 \(ms(observed.fulfillmentP50Ms))  p99 \(ms(observed.fulfillmentP99Ms))"
            + "  failed attempts \(observed.failedAttempts)  backoff sleeps \(observed.backoffSleeps)"
            + "  failed \(failures.isEmpty ? "none" : failures.joined(separator: "  "))"
    }

    private static func modelLines(_ models: ScenarioReport.Models) -> [String] {
        let routing = models.multiplexRouting ? "multiplex-aware" : "plain power of two choices"
        func split(_ name: String, _ value: ScenarioReport.Models.Split) -> String {
            name + String(
                format: " p50 %.3f ms  p99 %.3f ms (hit p99 %.3f ms, miss p99 %.3f ms)",
                value.all.p50, value.all.p99, value.hit.p99, value.miss.p99
            )
        }
        return [
            "models     routing \(routing)  " + String(
                format: "hit rate %.1f %%  hits %d  misses %d  loads %d  evictions %d",
                models.hitRate * 100, models.hits, models.misses, models.loads, models.evictions
            ),
            split("model e2e ", models.endToEndMs),
            split("model wait", models.fulfillmentMs),
        ]
    }
}
