import Foundation
import RouterAPI

/// A whole answer of the control API: status, content type and body.
public struct ControlResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// `value` as JSON with `status`.
    static func json<T: Encodable>(_ value: T, status: Int = 200) -> ControlResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return ControlResponse(status: status, body: Array(try encoder.encode(value)) + [UInt8(ascii: "\n")])
        } catch {
            return problem(500, "the answer could not be encoded as JSON (\(error))")
        }
    }

    /// An error answer: `{"error": "..."}`.
    static func problem(_ status: Int, _ message: String) -> ControlResponse {
        let body = (try? JSONEncoder().encode(ErrorReply(error: message))) ?? Data("{}".utf8)
        return ControlResponse(status: status, body: Array(body) + [UInt8(ascii: "\n")])
    }

    static func problem(_ problem: ControlEndpoint.Problem) -> ControlResponse {
        self.problem(problem.status, problem.message)
    }
}
