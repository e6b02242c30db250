import NIOCore
import RouterEngine

extension ProxyHost {
    /// Makes the replica set match `specs` (a re-read `--replicas` file): new replicas are added
    /// and probed, replicas no longer listed stop taking requests and leave once their requests
    /// have finished. Returns what changed, in words, for the log.
    public func reload(_ specs: [ReplicaSpec], by origin: CommandOrigin) -> String {
        let present = Set(router.replicaIDs)
        var wanted: [ReplicaID: ReplicaSpec] = [:]
        for spec in specs { wanted[ReplicaID(spec.address.replicaName)] = spec }
        let change = ChangeRecord(subject: .replica, verb: "reload",
                                  old: .text(present.map(\.rawValue).sorted().joined(separator: " ")),
                                  new: .text(wanted.keys.map(\.rawValue).sorted().joined(separator: " ")))
        if let failure = router.journalChange(change, by: origin) {
            return "nothing changed: the journal cannot be written (\(failure.message))"
        }
        var added: [String] = [], removed: [String] = [], refused: [String] = []
        for spec in specs where !present.contains(ReplicaID(spec.address.replicaName)) {
            let id = ReplicaID(spec.address.replicaName)
            do {
                let socketAddress = try SocketAddress.makeAddressResolvingHost(spec.address.host, port: spec.address.port)
                try add(spec, socketAddress: socketAddress)
                added.append(id.rawValue)
            } catch {
                refused.append("\(id) (\(error))")
            }
        }
        for id in router.replicaIDs where wanted[id] == nil {
            // Drained first, so the log shows it stopped taking work before it left.
            try? router.drainReplica(id)
            do throws(RouterError) {
                try router.removeReplica(id)
                removed.append(id.rawValue)
            } catch where !error.description.hasPrefix("there is no replica") {
                // Already leaving: nothing more to do.
                refused.append("\(id) (\(error.description))")
            } catch {}
        }
        let words = [
            added.isEmpty ? nil : "added \(added.joined(separator: ", "))",
            removed.isEmpty ? nil : "removed \(removed.joined(separator: ", "))",
            refused.isEmpty ? nil : "refused \(refused.joined(separator: "; "))",
        ].compactMap { $0 }
        let summary = words.isEmpty ? "no change" : words.joined(separator: "; ")
        router.record(.replica, "replica file re-read by \(origin): \(summary)", change: change)
        return summary
    }
}
