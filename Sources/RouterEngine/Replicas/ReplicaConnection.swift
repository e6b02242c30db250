/// How the router reaches one replica: ask its queue length, send it a request.
///
/// The simulated replicas and the HTTP replicas both implement it. Every callback must be made on
/// the router's scheduler, exactly once (a cancelled call may stay silent).
public protocol ReplicaConnection: AnyObject {
    /// Asks the replica for its queue length. The router enforces the deadline itself.
    func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)?

    /// Sends a request to the replica and reports how it ended.
    func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)?

    /// Gives the connection where to tell what the replica's answers say about its models; called
    /// once, when the replica is added. Each call of `sink` happens on the router's scheduler.
    func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void)
}

extension ReplicaConnection {
    /// A connection whose answers never speak of models tells nothing.
    public func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {}
}

/// What one of a replica's answers said about the models it holds.
public enum ModelEvidence: Equatable, Sendable {
    /// The replica told its model set, with a version that grows on each change.
    case report(version: UInt64, models: [String])
    /// The replica said nothing of its models but answered a request for `model` with success: it
    /// holds the model now, as far as the router can tell.
    case served(model: String)
}

/// A replica's answer to a queue-length probe.
public enum ProbeAnswer: Equatable, Sendable {
    /// The number of requests the replica is working on or holding, and the most it takes at once
    /// when it says so (its own limit wins over the configured one), and the models it holds when
    /// it reports them (multiplexing).
    ///
    /// `modelsNotKept` counts the ids of the report the connection did not pass on (over the limit,
    /// or not valid ids).
    case queueLength(Int, maxOngoingRequests: Int? = nil, models: [String]? = nil, modelsNotKept: Int = 0)
    /// The replica cannot answer for now: keep it, but do not trust its cached length.
    case unavailable
    /// The replica is gone for good.
    case dead
    /// The replica has no probe endpoint: count its requests locally from now on.
    case unsupported
    /// The replica answered, but not with a queue length (an ordinary web server does this): count
    /// its requests locally, and tell the operator what it said (its first bytes).
    case unexpected(String)
}

/// How a request sent to a replica ended.
public enum SendOutcome: Equatable, Sendable {
    /// The replica answered the request.
    case completed
    /// The replica refused the request because it is full; it may say its queue length.
    case rejected(queueLength: Int?)
    /// The replica failed before it answered, so the request can safely go elsewhere.
    case failedBeforeResponse
    /// The replica failed after it started answering; `retryable` when the method is idempotent
    /// and nothing reached the client yet. `cause` is what the event log says of it.
    case failedMidResponse(retryable: Bool, cause: String = "connection reset")
    /// The replica died with the request on it.
    case replicaDied
    /// The connection to the replica was refused: nothing reached it, so the request can go
    /// elsewhere without using up a re-route, and the replica is taken as unavailable at once.
    case connectionRefused
    /// The replica could not take the call (Ray's `ActorUnavailableError`): nothing ran on it, the
    /// request is routed again at once without using up a re-route, and the replica is taken as
    /// unavailable at once.
    case actorUnavailable
}

/// A request as a replica connection receives it.
public struct DispatchedRequest {
    public var id: RequestID
    /// How many times the request was routed before this one.
    public var reroutes: Int
    /// The model the request asks for, if any.
    public var model: String?
    /// What the host attached to the request (an HTTP exchange, for example).
    public var payload: AnyObject?

    public init(id: RequestID, reroutes: Int, model: String? = nil, payload: AnyObject?) {
        self.id = id
        self.reroutes = reroutes
        self.model = model
        self.payload = payload
    }
}
