/// How an observer of another router is doing: the Ray bridge reports whether Ray's router loop
/// answered and what its hooks caught, so a dashboard never shows stale figures as live.
public struct ObserverStatus: Equatable, Sendable, Codable {
    /// The observed router's loop did not answer in time; the figures are the last ones taken.
    public var loopStalled: Bool
    /// Errors the observer's hooks caught (routing went on untouched), and the last one.
    public var hookErrors: Int
    public var lastHookError: String?
    /// Requests in flight it keeps state for, and requests it left untracked at its bound.
    public var requestsTracked: Int?
    public var requestsUntracked: Int?
    /// Age of the oldest request waiting to be routed.
    public var oldestPendingSeconds: Double?
    /// Anything else the operator should know (an unsupported Ray version, say).
    public var notes: [String]?

    public init(loopStalled: Bool, hookErrors: Int, lastHookError: String? = nil) {
        self.loopStalled = loopStalled
        self.hookErrors = hookErrors
        self.lastHookError = lastHookError
    }

    enum CodingKeys: String, CodingKey {
        case notes
        case loopStalled = "loop_stalled"
        case hookErrors = "hook_errors"
        case lastHookError = "last_hook_error"
        case requestsTracked = "requests_tracked"
        case requestsUntracked = "requests_untracked"
        case oldestPendingSeconds = "oldest_pending_s"
    }
}
