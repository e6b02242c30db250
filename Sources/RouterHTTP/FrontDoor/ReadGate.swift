/// Why a client connection is not read now.
struct ReadHolds: OptionSet {
    let rawValue: UInt8

    /// Pipelined requests fill the queue behind the answer in progress.
    static let pipelineFull = ReadHolds(rawValue: 1 << 0)
    /// The request waits for a replica and holds all the body it may.
    static let bodyWaiting = ReadHolds(rawValue: 1 << 1)
    /// The replica's connection has more unsent request body than its high-water mark.
    static let upstreamFull = ReadHolds(rawValue: 1 << 2)
    /// The input did not parse, or came after `Connection: close`: nothing more is read.
    static let stopped = ReadHolds(rawValue: 1 << 3)
}

/// Back-pressure on one client connection: the channel's reads go ahead only while nothing holds
/// them, and a read asked for while held goes ahead when the last hold is lifted.
///
/// Reads are held only when a limit is reached, so the usual request costs no extra system call.
struct ReadGate {
    private(set) var holds: ReadHolds = []
    private var readAsked = false

    /// The channel asks to read: true when it may now; otherwise the read waits for `lift`.
    mutating func askToRead() -> Bool {
        guard holds.isEmpty else {
            readAsked = true
            return false
        }
        return true
    }

    mutating func hold(_ reasons: ReadHolds) {
        holds.formUnion(reasons)
    }

    /// Lifts holds; true when a read waited and may go ahead now.
    mutating func lift(_ reasons: ReadHolds) -> Bool {
        holds.subtract(reasons)
        guard holds.isEmpty, readAsked else { return false }
        readAsked = false
        return true
    }
}
