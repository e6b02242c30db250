import NIOCore
import NIOHTTP1
import RouterEngine
import RouterSimulation

/// What one replica server knows: its work in progress, its faults, its connections.
///
/// Confined to the server's event loop; every connection handler of the server shares it.
final class ReplicaServerState {
    let configuration: ReplicaServerConfiguration
    var faults = ReplicaServerFaults()
    var ongoing = 0
    var served = 0
    var rejected = 0
    var probes = 0
    var crashed = false
    var connections: [ObjectIdentifier: any Channel] = [:]
    var listener: (any Channel)?
    /// The models it holds, when it serves multiplexed models.
    var models: ModelLoader?
    /// Grows each time the set of models it holds changes (a load, with or without an eviction).
    var modelVersion: UInt64 = 1

    init(configuration: ReplicaServerConfiguration) {
        self.configuration = configuration
        models = configuration.maxModels.map { ModelLoader(maxModels: $0, loadTime: configuration.modelLoad) }
    }

    /// How long a request for `model` waits for it to be loaded (loading it, evicting the least
    /// recently used beyond the limit); zero without a model or when it serves none.
    func modelWait(for model: String?) -> TimeAmount {
        guard let model, var loader = models else { return .zero }
        let now = Duration.nanoseconds(Int64(clamping: NIODeadline.now().uptimeNanoseconds))
        let (wait, hit) = loader.use(model, now: now)
        if !hit { modelVersion += 1 }
        models = loader
        return .nanoseconds(wait.nanosecondsClampedForNIO)
    }

    /// Adds its model set to an answer's headers, when it serves models and tells them.
    func tellModels(in headers: inout HTTPHeaders) {
        guard configuration.tellsModelsInAnswers, let models else { return }
        headers.add(name: ReplicaHeaders.modelIDs, value: ModelIDsHeader.value(version: modelVersion, models: models.models))
    }

    /// The probe answer's body: its length and limit, and its models when it serves any.
    func queueLengthReply() -> String {
        var reply = "{\"queue_length\": \(ongoing), \"max_ongoing_requests\": \(configuration.maxOngoing)"
        if let models {
            let ids = models.models.map(Self.jsonString).joined(separator: ", ")
            reply += ", \"multiplexed_model_ids\": [\(ids)]"
        }
        return reply + "}"
    }

    private static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 {
                    escaped += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }

    /// The time one request takes, jitter included.
    func drawServiceTime() -> TimeAmount {
        var nanoseconds = configuration.serviceTime.nanosecondsClampedForNIO
        let jitter = configuration.jitter.nanosecondsClampedForNIO
        if jitter > 0 { nanoseconds += Int64.random(in: 0...jitter) }
        return .nanoseconds(nanoseconds)
    }

    /// Closes the listener and every connection at once, like a process that died.
    func crash() {
        crashed = true
        listener?.close(promise: nil)
        for connection in connections.values { connection.close(promise: nil) }
        connections.removeAll()
    }
}

extension Duration {
    /// Nanoseconds, never negative, for NIO timers.
    var nanosecondsClampedForNIO: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds > 0 ? .max : 0 }
        return max(0, scaled &+ attoseconds / 1_000_000_000)
    }
}
