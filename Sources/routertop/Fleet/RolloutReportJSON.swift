import Foundation
import RouterFleet

/// `routertop rollout --json`: the outcome as one JSON object scripts read.
enum RolloutReportJSON {
    static func text(_ report: RolloutReport, comparison: CanaryComparison?) -> String {
        var object: [String: Any] = [
            "rollout_id": report.plan.id,
            "settings": Dictionary(uniqueKeysWithValues: report.plan.patch.map { ($0.key.fileKey, $0.value) }),
            "targets": report.plan.targets,
            "succeeded": report.succeeded,
            "outcomes": report.outcomes.map { router, outcome -> [String: Any] in
                var entry: [String: Any] = ["router": router, "outcome": outcome.word]
                if let reason = outcome.reason { entry["reason"] = reason }
                return entry
            },
        ]
        if let reason = report.stopReason { object["stop_reason"] = reason }
        if let comparison {
            object["canary"] = [
                "router": comparison.canary,
                "others": comparison.others,
                "figures": comparison.rows.map { row -> [String: Any] in
                    var figure: [String: Any] = ["figure": row.label]
                    if let value = row.canary { figure["canary"] = value }
                    if let value = row.others { figure["others"] = value }
                    return figure
                },
            ] as [String: Any]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
