import NIOCore

extension Optional where Wrapped == ByteBuffer {
    /// The bytes an earlier read left (a part not yet whole) followed by `input`, as one buffer to
    /// read on from; the slot is emptied. What is left after reading goes back into it.
    mutating func takeJoined(with input: ByteBuffer) -> ByteBuffer {
        guard var earlier = take() else { return input }
        earlier.writeImmutableBuffer(input)
        return earlier
    }
}
