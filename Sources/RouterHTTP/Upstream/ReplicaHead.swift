import NIOCore
import NIOHTTP1

/// A replica's answer head as it came: its status, its bytes, and where each header's name and
/// value lie (`RawHead`). NIO's `HTTPHeaders` for it cost about 9 000 instructions per answer.
struct ReplicaHead: RawHead {
    var version: HTTPVersion
    var status: HTTPResponseStatus
    var bytes: ByteBuffer
    var fields: [HeadField]
    /// Whether a `Content-Length` header is among them (the reader found it while framing).
    var hasContentLength: Bool

    /// Leaves out every header called `name`: what the router reads for itself and the client
    /// never sees (never `Content-Length`, which `hasContentLength` reports as read).
    mutating func remove(_ name: String) {
        guard index(of: name) != nil else { return }
        var kept: [HeadField] = []
        forEachField { index, fieldName, _ in
            if !fieldName.equalsIgnoringCase(name) { kept.append(fields[index]) }
        }
        fields = kept
    }
}
