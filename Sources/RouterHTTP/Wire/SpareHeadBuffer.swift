import NIOCore

/// The buffer a connection wrote its last head in, kept to write its next head in.
///
/// A head is written into a buffer of its own and handed to the channel, which lets go of it once
/// the bytes are sent. A new buffer for every head, allocated and freed again, cost about 500
/// instructions, twice a request (the head to the replica and the answer's head to the client).
/// Kept here, the same storage takes the next head once the channel let go of it; while the
/// channel still holds it (bytes not sent yet), the next head gets new storage, as before.
///
/// Taking and keeping release nothing while they change the connection's spare, so that the
/// optimizer needs no run-time exclusivity check on it: what `keep` replaces is handed back.
struct SpareHeadBuffer {
    /// The most bytes a kept buffer held: a connection keeps at most this much (rounded up to the
    /// allocator's size) between its heads. A buffer that held more (a head with a large body part
    /// joined to it) is let go once sent.
    static let byteLimit = 4096

    private var buffer: ByteBuffer?

    /// The kept buffer, no longer kept; nil when there is none.
    mutating func take() -> ByteBuffer? {
        buffer.take()
    }

    /// Keeps `written`, just handed to the channel, unless it held more than `byteLimit` bytes.
    /// Returns what was kept before, for the caller to let go once this change is over.
    mutating func keep(_ written: ByteBuffer) -> ByteBuffer? {
        guard written.readableBytes <= Self.byteLimit else { return nil }
        var replaced: ByteBuffer? = written
        swap(&buffer, &replaced)
        return replaced
    }

    /// Whether a buffer is kept (for tests: reuse cannot be seen otherwise).
    var isHolding: Bool { buffer != nil }

    /// An empty buffer with room for `size` bytes: `spare` emptied when there is one (its storage
    /// used again when nothing else holds it), else a new one.
    static func emptied(_ spare: consuming ByteBuffer?, size: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard var buffer = spare.take() else { return allocator.buffer(capacity: size) }
        buffer.clear()
        return buffer
    }
}
