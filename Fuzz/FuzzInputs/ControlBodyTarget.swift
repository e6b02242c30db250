import Foundation
import RouterAPI
import RouterHTTP

/// The control API's JSON bodies: the input's first byte picks the write endpoint, the rest is its
/// body, read as the router reads it (strict fields, no duplicates, numbers checked against the
/// settings' bounds); a URL it yields is parsed as the proxy would before adding a replica.
enum ControlBodyTarget {
    static let endpoints: [ControlEndpoint] = [
        .putSettings, .trialSettings(seconds: 60), .confirmSettings, .undoSettings, .addReplica, .setLoad,
        .fault(ReplicaID("r1")), .recover(ReplicaID("r1")), .drain(ReplicaID("r1")), .stop,
    ]

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        let body = Data(bytes.dropFirst())
        let choice = Int(first)
        if choice == endpoints.count {
            _ = SuggestBounds.parse(body)
            return
        }
        let endpoint = endpoints[choice % endpoints.count]
        let result = ControlCommands.command(for: endpoint, body: body, settings: .defaults)
        if case .success(.addReplica(let address?)) = result { _ = ReplicaAddress.parse(address) }
        if case .success(.settings(.apply(let settings))) = result { _ = ControlCommands.request(for: .settings(.apply(settings))) }
    }
}
