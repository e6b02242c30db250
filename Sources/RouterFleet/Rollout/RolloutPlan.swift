import Foundation
import RouterAPI

/// What a rollout changes and where: a settings patch, the routers in order (the canary first),
/// how long the canary is watched alone, and whether a stopped rollout keeps what it changed.
public struct RolloutPlan: Equatable, Sendable {
    public var id: String
    /// Setting key (`initial_backoff_s`) to its new value.
    public var patch: [RouterSettingKey: Double]
    /// Router names; the first is the canary.
    public var targets: [String]
    /// Seconds the canary runs the change alone before the rest take it (0: no wait).
    public var canarySeconds: Int
    /// Keep the routers already changed when the rollout stops, instead of reverting them.
    public var keepPartial: Bool

    public init(id: String, patch: [RouterSettingKey: Double], targets: [String], canarySeconds: Int, keepPartial: Bool) {
        self.id = id
        self.patch = patch
        self.targets = targets
        self.canarySeconds = canarySeconds
        self.keepPartial = keepPartial
    }

    /// The longest canary watch: a trial must still be running when the watch ends.
    public static let maxCanarySeconds = 3000

    /// Each router's trial lasts the canary's watch plus this margin for the rest to take it and
    /// for the confirmations; past it a router reverts by itself, as if the rollout was cancelled.
    public static let trialMarginSeconds = 120

    /// The `confirm_within_s` of every trial in this rollout.
    public var trialSeconds: Int { min(canarySeconds + Self.trialMarginSeconds, TrialStatus.maxSeconds) }

    /// The mark every router journals its part with.
    public var mark: RolloutMark { RolloutMark(id: id, targets: targets) }

    /// The PUT body: only the keys the rollout changes, under the API's names.
    public var body: [UInt8] {
        let pairs = patch.keys.sorted { $0.fileKey < $1.fileKey }.map { key in
            "\"\(key.fileKey)\":\(SettingText.format(patch[key] ?? 0))"
        }
        return Array(("{" + pairs.joined(separator: ",") + "}").utf8)
    }

    /// `initial_backoff_s=0.05, max_backoff_s=2`.
    public var patchText: String {
        patch.keys.sorted { $0.fileKey < $1.fileKey }
            .map { "\($0.fileKey)=\(SettingText.format(patch[$0] ?? 0))" }.joined(separator: ", ")
    }

    /// A new rollout id: the UTC time and a random suffix, `r-20261202T151203-4f1c`.
    public static func newID(at time: UTCTime = .now()) -> String {
        let stamp = time.description.prefix(19).filter { $0 != "-" && $0 != ":" }
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "r-\(stamp)-\(suffix)"
    }

    /// Reads `KEY=VALUE` assignments under the settings file's keys; a problem names the bad one.
    public static func patch(from assignments: [String]) -> Result<[RouterSettingKey: Double], RolloutProblem> {
        guard !assignments.isEmpty else { return .failure(RolloutProblem("give at least one --set KEY=VALUE")) }
        var patch: [RouterSettingKey: Double] = [:]
        let keys = RouterSettingKey.allCases.map(\.fileKey).joined(separator: ", ")
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                return .failure(RolloutProblem("--set \(assignment): it must be KEY=VALUE, such as initial_backoff_s=0.05"))
            }
            guard let key = RouterSettingKey.allCases.first(where: { $0.fileKey == parts[0] }) else {
                return .failure(RolloutProblem("--set \(assignment): \(parts[0]) is not a setting; one of \(keys)"))
            }
            switch SettingText.number(String(parts[1])) {
            case .failure(let problem):
                return .failure(RolloutProblem("--set \(assignment): \(parts[1]) \(problem.phrase)"))
            case .success(let value):
                guard patch[key] == nil else { return .failure(RolloutProblem("--set names \(key.fileKey) twice")) }
                patch[key] = value
            }
        }
        return .success(patch)
    }
}

/// Why a rollout cannot start, in one line.
public struct RolloutProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
