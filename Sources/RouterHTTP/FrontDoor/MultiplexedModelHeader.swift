import NIOHTTP1

/// The request header that names the model a request asks for, as Ray Serve names it.
public enum MultiplexedModelHeader {
    public static let name = "serve_multiplexed_model_id"

    /// The model the request asks for; nil when the header is absent or empty. It is forwarded to
    /// the replica unchanged, as every other end-to-end header is.
    static func model(in head: ClientHead) -> String? {
        guard let value = head.first(name), !value.isEmpty else { return nil }
        return value
    }

    /// The same, from NIO's headers (the replica the tests run).
    static func model(in headers: HTTPHeaders) -> String? {
        guard let value = headers.first(name: name), !value.isEmpty else { return nil }
        return value
    }
}
