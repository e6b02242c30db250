import NIOHTTP1

@testable import RouterHTTP

extension HopByHopHeaders {
    /// The headers that pass this hop, in their order, and whether the message was chunked.
    static func passing(_ headers: HTTPHeaders) -> (headers: HTTPHeaders, chunked: Bool) {
        let found = find(in: headers)
        return (HTTPHeaders(headers.filter { !found.drops($0.name) }.map { ($0.name, $0.value) }), found.chunked)
    }
}
