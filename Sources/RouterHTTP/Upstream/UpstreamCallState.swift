import RouterEngine

/// The phases of one upstream call, as a pure state machine: events in, what to do out.
struct UpstreamCallState {
    enum State: Equatable {
        case connecting
        /// The request goes out (until `requestEnded`) and its answer comes back.
        case exchanging(requestEnded: Bool, answer: Answer)
        /// The connection was let go or closed: nothing more is done.
        case finished
    }

    enum Answer: Equatable {
        case awaitingHead
        /// The answer streams to the client.
        case passingOn
        /// The replica said it is full: the answer is swallowed and the request goes elsewhere.
        case refused(queueLength: Int?)
    }

    enum ConnectedAction: Equatable {
        /// Send the request on it.
        case send
        /// The call was called off meanwhile: give the connection back.
        case release
        /// Part of a body too large to keep went to an earlier replica: give it back and fail.
        case releaseAndFail(SendOutcome)
    }

    enum EndAction: Equatable {
        /// Give the connection back to the pool, then report.
        case release(SendOutcome)
        /// The request was not all sent: the connection cannot carry another one.
        case close(SendOutcome)
    }

    private(set) var state = State.connecting

    mutating func connected(wanted: Bool, canBeSent: Bool) -> ConnectedAction {
        guard wanted, state == .connecting else {
            state = .finished
            return .release
        }
        guard canBeSent else {
            state = .finished
            return .releaseAndFail(.failedMidResponse(retryable: false, cause: "request body could not be sent again"))
        }
        state = .exchanging(requestEnded: false, answer: .awaitingHead)
        return .send
    }

    /// The last of the request went out; false when it must not be sent (already sent, or over).
    mutating func requestEnded() -> Bool {
        guard case .exchanging(false, let answer) = state else { return false }
        state = .exchanging(requestEnded: true, answer: answer)
        return true
    }

    /// Whether body parts from the client still go to the replica.
    var sendsRequest: Bool {
        if case .exchanging(false, _) = state { return true }
        return false
    }

    /// The answer's head; true when it goes on to the client.
    mutating func head(refusedWithQueueLength refusal: Int??) -> Bool {
        guard case .exchanging(let requestEnded, .awaitingHead) = state else { return false }
        if let refusal {
            state = .exchanging(requestEnded: requestEnded, answer: .refused(queueLength: refusal))
            return false
        }
        state = .exchanging(requestEnded: requestEnded, answer: .passingOn)
        return true
    }

    /// Whether answer body parts go on to the client.
    var passesAnswerOn: Bool {
        if case .exchanging(_, .passingOn) = state { return true }
        return false
    }

    /// The answer ended; nil when the call was already over.
    mutating func answerEnded() -> EndAction? {
        guard case .exchanging(let requestEnded, let answer) = state else { return nil }
        state = .finished
        let outcome: SendOutcome
        if case .refused(let queueLength) = answer { outcome = .rejected(queueLength: queueLength) } else { outcome = .completed }
        return requestEnded ? .release(outcome) : .close(outcome)
    }

    /// The connection closed before the answer ended: whether the request may be sent again
    /// (`SendOutcome.closedMidAnswer`); nil when the call was already over.
    ///
    /// Sent again only when that is safe: an idempotent method, no byte of the answer passed on,
    /// and the whole body still kept.
    mutating func closed(idempotent: Bool, bodyKept: Bool) -> Bool? {
        guard case .exchanging(_, let answer) = state else { return nil }
        state = .finished
        return idempotent && bodyKept && answer != .passingOn
    }

    /// The connection could not be opened; nil when the call was already over.
    mutating func connectFailed() -> SendOutcome? {
        guard state == .connecting else { return nil }
        state = .finished
        // Nothing reached the replica: it costs no re-route, and the router takes the replica as
        // unavailable at once instead of trusting a cached length that says it is idle.
        return .connectionRefused
    }

    mutating func cancel() {
        state = .finished
    }
}

extension SendOutcome {
    /// A call whose connection closed before the answer ended (`brokenRule` when the router closed
    /// it over a bad answer).
    ///
    /// Written apart from `UpstreamCallState.closed`: building the cause's text inside a call
    /// that changes the call's state would cost every access to that state a run-time
    /// exclusivity check, since the optimizer cannot see into string code.
    static func closedMidAnswer(retryable: Bool, brokenRule: WireError?) -> SendOutcome {
        guard let brokenRule else { return .failedMidResponse(retryable: retryable) }
        return .failedMidResponse(retryable: retryable, cause: "bad answer: \(brokenRule.rule)")
    }
}
