import Dispatch
import Synchronization
import RouterEngine

/// Replays one plan under several settings at once, one replay per core.
enum ReplayBatch {
    static func run(_ plan: ReplayPlan, settings: [RouterSettings]) -> [WhatIfFigures] {
        let results = Mutex<[WhatIfFigures?]>(Array(repeating: nil, count: settings.count))
        DispatchQueue.concurrentPerform(iterations: settings.count) { index in
            let figures = RecordingReplay.figures(of: RecordingReplay.run(plan, settings: settings[index]))
            results.withLock { $0[index] = figures }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}
