import RouterAPI

/// The editor's what-if: predicted figures for the live settings and the edited ones over the
/// recorded traffic, and the suggestions a search found.
struct WhatIfPanel: Equatable {
    /// The figures for the edited settings last asked for.
    enum Figures: Equatable {
        case computing
        case ready(WhatIfReply)
        case unavailable(String)
    }

    /// A suggestion search.
    enum Search: Equatable {
        case searching(done: Int, planned: Int)
        case ready(SuggestReply)
        case failed(String)
    }

    var figures: Figures?
    /// The edited settings the figures are for (or being computed for).
    var requested: RouterSettings?
    var search: Search?
    /// The suggestion `F7` puts into the form next.
    var nextSuggestion = 0

    /// The suggestions found, best first (none while searching).
    var suggestions: [SuggestReply.Suggestion] {
        if case .ready(let reply) = search { return reply.suggestions }
        return []
    }
}
