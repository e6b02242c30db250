import ArgumentParser
import Dispatch
import Foundation
import NIOPosix
import RouterAPI
import RouterAttach
import RouterControlServer
import RouterFleet

/// `routertop rollout`: one settings change, on trial, to many routers: the canary first, then the
/// rest, then every router confirms; a refusal or a silent router reverts what was changed.
struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Change settings on many routers as one change: canary first, on trial, reverted everywhere if one refuses.",
        discussion: """
            Exits 0 only when every target ended with the change; otherwise 1, printing each router's outcome \
            (changed, refused, unreachable, reverted, kept, not_reached, undo_failed). Bad arguments exit 2.
            """
    )

    @Option(name: .customLong("set"), help: ArgumentHelp("A setting to change, as in the settings file: initial_backoff_s=0.05 (repeatable).",
                                                         valueName: "key=value"))
    var assignments: [String] = []

    @Option(name: .customLong("to"), help: ArgumentHelp("A router: NAME, socket PATH or http://HOST:PORT (repeatable).",
                                                        valueName: "target"))
    var targets: [String] = []

    @Flag(name: .customLong("all"), help: "Every router that `routertop list` finds.")
    var all = false

    @Option(name: .customLong("canary"), help: ArgumentHelp("The router that takes the change first (default: the first target).",
                                                            valueName: "target"))
    var canary: String?

    @Option(name: .customLong("canary-s"), help: ArgumentHelp(
        "Seconds the canary runs the change alone, compared with the others, before the rest take it (default 0).",
        valueName: "seconds"))
    var canarySeconds = 0

    @Flag(name: .customLong("yes"), help: "Do not ask before starting.")
    var yes = false

    @Flag(name: .customLong("json"), help: "Print the outcome as one JSON object.")
    var json = false

    @Flag(name: .customLong("keep-partial"), help: "When the rollout stops, keep the routers already changed instead of reverting them.")
    var keepPartial = false

    @OptionGroup var access: FleetTargetOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let patch: [RouterSettingKey: Double]
        switch RolloutPlan.patch(from: assignments) {
        case .failure(let problem): failStartup(problem.description)
        case .success(let read): patch = read
        }
        guard (0...RolloutPlan.maxCanarySeconds).contains(canarySeconds) else {
            failStartup("--canary-s=\(canarySeconds) must be a whole number of seconds from 0 to \(RolloutPlan.maxCanarySeconds)")
        }
        if all, !targets.isEmpty { failStartup("give --to TARGET ... or --all, not both") }
        var chosen = all ? FleetTargets.discover(environment: environment) : FleetTargets.resolve(targets, environment: environment)
        if chosen.isEmpty {
            failStartup(all ? "--all: no router answers in \(ControlSocketPath.directory(environment: environment))"
                            : "name the routers with --to TARGET (repeatable) or --all")
        }
        if let canary {
            let first = FleetTargets.resolve([canary], environment: environment)[0]
            guard let at = chosen.firstIndex(where: { $0.name == first.name }) else {
                failStartup("--canary \(canary) is not one of the rollout's targets (\(chosen.map(\.name).joined(separator: ", ")))")
            }
            chosen.insert(chosen.remove(at: at), at: 0)
        }
        let plan = RolloutPlan(id: RolloutPlan.newID(), patch: patch, targets: chosen.map(\.name),
                               canarySeconds: canarySeconds, keepPartial: keepPartial)
        if !yes, !confirmed(plan) {
            print("cancelled; nothing changed")
            throw ExitCode(1)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let token = access.token(environment: environment)
        let runner = RolloutRunner(plan: plan, targets: chosen.map {
            RolloutRunner.Target(name: $0.name, client: access.client(for: $0.target, group: group, token: token))
        })
        // Ctrl-C stops the rollout and reverts; a second one is not needed.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { runner.cancel() }
        interrupt.resume()
        var lastComparison: CanaryComparison?
        let report = runner.run { progress in
            switch progress {
            case .step(let action, _): Self.note(action, plan: plan)
            case .comparison(let comparison, let left):
                lastComparison = comparison
                Self.note("canary \(comparison.canary), \(left) s left: " + comparison.lines.joined(separator: "; "))
            }
        }
        interrupt.cancel()
        if json {
            print(RolloutReportJSON.text(report, comparison: lastComparison))
        } else {
            if let lastComparison {
                print("canary \(lastComparison.canary) against \(lastComparison.others.joined(separator: ", ")):")
                for line in lastComparison.lines { print("  " + line) }
            }
            print("rollout \(plan.id): \(plan.patchText)")
            for (router, outcome) in report.outcomes { print("\(router)\t\(outcome)") }
            print(report.succeeded ? "every router has the change" : "stopped: \(report.stopReason ?? "not every router has the change")")
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    private func confirmed(_ plan: RolloutPlan) -> Bool {
        let canaryText = plan.targets.count > 1 ? " (canary \(plan.targets[0])" + (plan.canarySeconds > 0 ? " for \(plan.canarySeconds) s)" : ")") : ""
        let question = "roll out \(plan.patchText) to \(plan.targets.joined(separator: ", "))\(canaryText)? [y/N] "
        FileHandle.standardOutput.write(Data(question.utf8))
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    private static func note(_ action: RolloutMachine.Action, plan: RolloutPlan) {
        switch action {
        case .trial(let router): note("\(router): trial of \(plan.patchText) (reverts unless confirmed within \(plan.trialSeconds) s)")
        case .watchCanary(let router, let seconds): note("\(router): canary, watched for \(seconds) s")
        case .confirm(let router): note("\(router): confirm")
        case .revert(let router, let confirmed): note("\(router): revert" + (confirmed ? " (set the old values back)" : " (end the trial)"))
        case .finished, .none: break
        }
    }

    private static func note(_ line: String) {
        FileHandle.standardError.write(Data("routertop rollout: \(oneLine(line))\n".utf8))
    }
}
