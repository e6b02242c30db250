import NIOCore
import NIOHTTP1

/// A client's request head as it came: its start line read, its bytes, and where each header's
/// name and value lie (`RawHead`).
///
/// No header becomes a `String` unless something asks for it by name (the request id, the
/// model): NIO's `HTTPRequestHead`, a string for every name and value, was made and freed for
/// every request only to be searched and written out again.
struct ClientHead: RawHead {
    var method: HTTPMethod
    /// The request target as the client sent it (origin or absolute form).
    var target: String
    var version: HTTPVersion
    var bytes: ByteBuffer
    var fields: [HeadField]

    /// Moves its bytes to storage of their own. Read, they are a slice of the buffer they came in,
    /// which they keep whole while they are held: fine for the request in progress, not for one
    /// that waits behind it, counted by its own bytes (`FrontDoorPipeline`).
    mutating func ownBytes() {
        bytes = ByteBuffer(bytes: bytes.readableBytesView)
    }
}
