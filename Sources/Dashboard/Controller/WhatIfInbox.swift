import RouterAPI
import Synchronization

/// What-if answers arriving from any thread, taken by the UI thread on its next frame.
final class WhatIfInbox: Sendable {
    struct Contents: Sendable {
        var figures: (edited: RouterSettings, result: Result<WhatIfReply, WhatIfError>)?
        var progress: (done: Int, planned: Int)?
        var suggestion: Result<SuggestReply, WhatIfError>?
    }

    private let contents = Mutex(Contents())

    func deliver(_ result: Result<WhatIfReply, WhatIfError>, for edited: RouterSettings) {
        contents.withLock { $0.figures = (edited, result) }
    }

    func progress(_ done: Int, of planned: Int) {
        contents.withLock { $0.progress = (done, planned) }
    }

    func deliver(_ result: Result<SuggestReply, WhatIfError>) {
        contents.withLock { $0.suggestion = result }
    }

    /// Everything delivered since the last call.
    func take() -> Contents {
        contents.withLock { contents in
            defer { contents = Contents() }
            return contents
        }
    }
}
