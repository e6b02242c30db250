import NIOCore

/// What a client connection waits for (a request head, or the next request) and until when.
///
/// One timer per connection checks it, at most every `min(headerTimeout, idleTimeout)`: a request
/// only moves the deadline, so the usual request schedules and cancels no timer.
struct ConnectionWait {
    enum Kind: Equatable {
        /// Bytes of a request head arrived (or the connection just opened): the head must be whole in time.
        case header
        /// A keep-alive connection between requests.
        case idle
        /// A request is in progress: its own timeout applies.
        case busy
    }

    /// What the timer should do.
    enum Check: Equatable {
        case expired(Kind)
        case checkAgain(at: NIODeadline)
    }

    private(set) var kind: Kind = .header
    private(set) var deadline: NIODeadline
    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount

    init(openedAt now: NIODeadline, headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.deadline = now + headerTimeout
    }

    mutating func requestStarted() {
        kind = .busy
    }

    /// The last answer ended and nothing else was received.
    mutating func answered(at now: NIODeadline) {
        kind = .idle
        deadline = now + idleTimeout
    }

    /// Bytes arrived without a whole request head.
    mutating func bytesArrived(at now: NIODeadline) {
        guard kind == .idle else { return }
        kind = .header
        deadline = now + headerTimeout
    }

    func check(at now: NIODeadline) -> Check {
        let latest = now + min(headerTimeout, idleTimeout)
        switch kind {
        case .busy:
            return .checkAgain(at: latest)
        case .header, .idle:
            return deadline <= now ? .expired(kind) : .checkAgain(at: min(deadline, latest))
        }
    }
}
