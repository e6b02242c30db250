/// The candidate set one attempt draws from: a locality tier for a request without a model, a
/// multiplexing tier for a request with one.
enum CandidateTier: Equatable {
    case node
    case zone
    case all
    /// The replicas whose last report holds the request's model.
    case model
    /// The replicas holding the fewest models.
    case fewestModels

    init(_ locality: LocalityTier) {
        switch locality {
        case .node: self = .node
        case .zone: self = .zone
        case .all: self = .all
        }
    }

    /// Only the local tries of locality routing cost no backoff when they find nothing; every
    /// multiplexing attempt counts, as Ray's do.
    var isFreeLocalTry: Bool { self == .node || self == .zone }

    var traceName: TraceTier {
        switch self {
        case .node: .node
        case .zone: .zone
        case .all: .all
        case .model: .model
        case .fewestModels: .fewestModels
        }
    }
}
