import Dispatch
import NIOConcurrencyHelpers
import RouterEngine
import RouterSimulation

/// Runs what-if replays and suggestion searches away from the router's loop and the screen's
/// thread, one job at a time; at most `maxWaiting` jobs wait, and a job beyond them is refused.
public final class WhatIfWorker: Sendable {
    public static let shared = WhatIfWorker()
    /// Jobs that may wait behind the running one.
    public static let maxWaiting = 4

    private let queue = DispatchQueue(label: "routertop.whatif")
    private let waiting = NIOLockedValueBox(0)

    public func whatIf(
        _ recording: Result<Recording, WhatIfError>, live: RouterSettings, edited: RouterSettings,
        completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void
    ) {
        submit(completion) { () throws(WhatIfError) -> WhatIfReply in
            let plan = try Self.plan(recording)
            return RecordingReplay.whatIf(plan, live: live, edited: edited)
        }
    }

    public func suggest(
        _ recording: Result<Recording, WhatIfError>, live: RouterSettings, bounds: SuggestBounds,
        progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        submit(completion) { () throws(WhatIfError) -> SuggestReply in
            let plan = try Self.plan(recording)
            return BackoffSuggester.suggest(plan, live: live, bounds: bounds, progress: progress)
        }
    }

    private static func plan(_ recording: Result<Recording, WhatIfError>) throws(WhatIfError) -> ReplayPlan {
        let recorded = try recording.get()
        guard !recorded.arrivals.atMs.isEmpty else {
            throw WhatIfError("nothing to replay yet: no request arrived in the last \(Int(recorded.windowS)) s")
        }
        do {
            return try ReplayPlan(recorded)
        } catch {
            throw WhatIfError("the recording cannot be replayed: \(error.description)")
        }
    }

    private func submit<T: Sendable>(
        _ completion: @escaping @Sendable (Result<T, WhatIfError>) -> Void,
        _ job: @escaping @Sendable () throws(WhatIfError) -> T
    ) {
        let admitted = waiting.withLockedValue { count -> Bool in
            guard count < Self.maxWaiting + 1 else { return false }
            count += 1
            return true
        }
        guard admitted else {
            return completion(.failure(WhatIfError("busy: \(Self.maxWaiting + 1) what-if computations are queued already; try again shortly")))
        }
        queue.async { [waiting] in
            let result: Result<T, WhatIfError>
            do throws(WhatIfError) {
                result = .success(try job())
            } catch {
                result = .failure(error)
            }
            waiting.withLockedValue { $0 -= 1 }
            completion(result)
        }
    }
}
