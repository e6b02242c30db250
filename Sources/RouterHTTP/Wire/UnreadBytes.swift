import NIOCore

extension ByteBuffer {
    /// The bytes an earlier read left (`earlier`, a part not yet whole) followed by these, as one
    /// buffer to read on from. What is left after reading goes back where `earlier` came from.
    ///
    /// Called with `unread.take()`, so that the connection's slot is only emptied while it is
    /// accessed: joining the two can reallocate and release a buffer, and a property whose accesses
    /// may release inside them is checked for exclusive access at run time at every use.
    func joined(after earlier: ByteBuffer?) -> ByteBuffer {
        guard var earlier else { return self }
        earlier.writeImmutableBuffer(self)
        return earlier
    }
}
