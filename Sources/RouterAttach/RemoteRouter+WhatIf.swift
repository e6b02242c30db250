import Foundation
import RouterAPI

/// An attached dashboard's what-if: the router it is attached to records and replays.
extension RemoteRouter {
    public func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void) {
        call("GET", ControlEndpoint.recording.request.target, body: [], completion: completion)
    }

    public func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void) {
        let body = (try? JSONEncoder().encode(edited)).map(Array.init) ?? []
        call("POST", ControlEndpoint.whatIf.request.target, body: body, completion: completion)
    }

    public func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        let body = (try? JSONEncoder().encode(bounds)).map(Array.init) ?? []
        call("POST", ControlEndpoint.suggest.request.target, body: body, completion: completion)
    }

    /// One request whose 200 answer decodes as `T`; any other answer is its error's words.
    private func call<T: Decodable & Sendable>(
        _ method: String, _ target: String, body: [UInt8],
        completion: @escaping @Sendable (Result<T, WhatIfError>) -> Void
    ) {
        client.send(method: method, target: target, body: body).whenComplete { result in
            guard case .success(let answer) = result else {
                return completion(.failure(WhatIfError("the router cannot be reached")))
            }
            if answer.status == 200, let value = try? JSONDecoder().decode(T.self, from: Data(answer.body)) {
                return completion(.success(value))
            }
            let reason = (try? JSONDecoder().decode(ErrorReply.self, from: Data(answer.body)))?.error ?? "status \(answer.status)"
            completion(.failure(WhatIfError(reason)))
        }
    }
}
