/// The header a request goes by on the wire: the client's own, passed on, else the router's id
/// (`req-12`), sent to the replica and returned to the client.
enum RequestIDHeader {
    /// The name as header bytes are compared with it.
    static let lowercaseName: StaticString = "x-request-id"
    static let name = lowercaseName.description
}
