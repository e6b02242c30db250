import RouterHTTP
import RouterJournal

extension JournalReplicas {
    /// The replicas to start with: the command line's own specs for those still present (their node,
    /// zone and slots), then each one added live at the URL its entry journaled, already checked by
    /// `JournalSetup`.
    func specs(startingFrom startup: [ReplicaSpec]) -> [ReplicaSpec] {
        present.compactMap { name in
            if let spec = startup.first(where: { $0.address.replicaName == name }) { return spec }
            return (try? ReplicaAddress.parse(addedURLs[name] ?? "http://" + name).get()).map { ReplicaSpec(address: $0) }
        }
    }
}
