import NIOCore

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

    init(configuration: ReplicaServerConfiguration) {
        self.configuration = configuration
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
