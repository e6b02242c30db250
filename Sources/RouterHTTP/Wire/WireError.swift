/// Why bytes read from a connection are not an HTTP/1 message the router takes. From a replica,
/// the connection closes and the request fails as the replica's failure, as for any connection
/// lost mid-answer; from a client, the request is answered 400 (`RequestReader`).
enum WireError: Error, Equatable {
    /// The start line and headers (or the trailers) over `HeaderBlock.limit`.
    case headTooLarge
    case malformedStatusLine
    /// Not HTTP/1.x.
    case unsupportedVersion
    case malformedHeader
    /// A header line that continues the one before (obsolete folding).
    case foldedHeader
    /// `101 Switching Protocols`: the router never asks for an upgrade.
    case unexpectedSwitch
    /// Both `Content-Length` and `Transfer-Encoding`: the sign of a smuggling attempt (RFC 9112 §6.3).
    case conflictingFraming
    /// A `Content-Length` that is not one decimal number, or two that differ.
    case badContentLength
    /// `chunked` applied twice, or not as the last coding.
    case chunkedNotLast
    case malformedChunk
    /// The connection ended inside an answer whose length was known.
    case truncated

    /// The rule the answer broke, for the event log ("bad answer: …").
    var rule: String {
        switch self {
        case .headTooLarge: "head over \(HeaderBlock.limit >> 10) KiB"
        case .malformedStatusLine: "malformed status line"
        case .unsupportedVersion: "not HTTP/1.x"
        case .malformedHeader: "malformed header line"
        case .foldedHeader: "folded header line"
        case .unexpectedSwitch: "101 Switching Protocols, never asked for"
        case .conflictingFraming: "both Content-Length and Transfer-Encoding"
        case .badContentLength: "bad Content-Length"
        case .chunkedNotLast: "chunked not the last transfer coding"
        case .malformedChunk: "malformed chunk"
        case .truncated: "cut off before its end"
        }
    }
}
