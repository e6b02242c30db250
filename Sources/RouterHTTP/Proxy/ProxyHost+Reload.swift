import NIOCore
import RouterEngine

extension ProxyHost {
    /// How many replicas one slice of a reload adds or removes: small enough that requests keep
    /// being routed between slices.
    static let reloadSlice = 200
    /// The pause between two slices, in which the event loop serves its sockets.
    static let reloadPause = TimeAmount.milliseconds(5)

    /// Makes the replica set match `specs` (a re-read `--replicas` file): replicas no longer listed
    /// stop taking requests and leave once their requests have finished, new replicas are added and
    /// probed (the probes go out gradually, see `Router.Options.backgroundProbesPerTick`). The
    /// change is applied in slices of `reloadSlice`, `reloadPause` apart, so routing goes on
    /// meanwhile; `done` gets what changed, in words, for the log. A reload asked for while one is
    /// being applied is refused.
    public func reload(_ specs: [ReplicaSpec], by origin: CommandOrigin, done: @escaping (String) -> Void) {
        guard !reloading else {
            let refusal = "refused: the previous reload is still being applied; the replicas stay as they are"
            router.record(.warning, "replica file re-read by \(origin): \(refusal)")
            done(refusal)
            return
        }
        let present = Set(router.replicaIDs)
        var wanted: [ReplicaID: ReplicaSpec] = [:]
        for spec in specs { wanted[ReplicaID(spec.address.replicaName)] = spec }
        let change = ChangeRecord(subject: .replica, verb: "reload",
                                  old: .text(present.map(\.rawValue).sorted().joined(separator: " ")),
                                  new: .text(wanted.keys.map(\.rawValue).sorted().joined(separator: " ")))
        if let failure = router.journalChange(change, by: origin) {
            done("nothing changed: the journal cannot be written (\(failure.message))")
            return
        }
        reloading = true
        let work = ReloadWork(
            removals: router.replicaIDs.filter { wanted[$0] == nil },
            additions: specs.filter { !present.contains(ReplicaID($0.address.replicaName)) },
            change: change, origin: origin, done: done)
        applySlice(of: work)
    }

    /// One slice of a reload: removals first (so the set never holds both the old and the new
    /// replicas beyond the limit), then additions; the next slice `reloadPause` later.
    private func applySlice(of work: ReloadWork) {
        var budget = Self.reloadSlice
        while budget > 0, let id = work.removals.popLast() {
            budget -= 1
            // Drained first, so the log shows it stopped taking work before it left.
            try? router.drainReplica(id)
            do throws(RouterError) {
                try router.removeReplica(id)
                connections[id]?.closeIdleConnections()
                connections[id] = nil
                work.removed.append(id.rawValue)
            } catch where !error.description.hasPrefix("there is no replica") {
                // Already leaving: nothing more to do.
                work.refused.append("\(id) (\(error.description))")
            } catch {}
        }
        var batch: [(ReplicaInfo, any ReplicaConnection)] = []
        var batchConnections: [(ReplicaID, HTTPReplicaConnection)] = []
        while budget > 0, let spec = work.additions.popLast() {
            budget -= 1
            let id = ReplicaID(spec.address.replicaName)
            do {
                let socketAddress = try SocketAddress.makeAddressResolvingHost(spec.address.host, port: spec.address.port)
                let (info, connection) = connection(for: spec, socketAddress: socketAddress)
                batch.append((info, connection))
                batchConnections.append((id, connection))
            } catch {
                work.refused.append("\(id) (\(error))")
            }
        }
        if !batch.isEmpty {
            let refusedIDs = router.addReplicas(batch)
            for (id, error) in refusedIDs { work.refused.append("\(id) (\(error.description))") }
            for (id, connection) in batchConnections where !refusedIDs.contains(where: { $0.0 == id }) {
                connections[id] = connection
                work.added.append(id.rawValue)
            }
        }
        guard work.removals.isEmpty, work.additions.isEmpty else {
            // Everything here lives on the event loop; the bound value says so to the compiler. A
            // scheduled task, not `execute`: the loop runs queued tasks back to back before it
            // looks at its sockets again, so requests would wait for the whole reload.
            let next = NIOLoopBound((host: self, work: work), eventLoop: eventLoop)
            eventLoop.scheduleTask(in: Self.reloadPause) { next.value.host.applySlice(of: next.value.work) }
            return
        }
        reloading = false
        let summary = work.summary
        router.record(.replica, "replica file re-read by \(work.origin): \(summary)", change: work.change)
        work.done(summary)
    }
}
