extension Router {
    /// Adds a replica. It is probed at once, and tasks waiting for replicas wake.
    public func addReplica(_ info: ReplicaInfo, connection: any ReplicaConnection) throws(RouterError) {
        guard replicasByID[info.id] == nil else { throw .duplicate(info.id) }
        let replica = ReplicaRecord(info: info, connection: connection)
        replicas.append(replica)
        replicasByID[info.id] = replica
        record(.replica, "\(info.id) added (\(info.node)/\(info.zone), max \(info.maxOngoingRequests))")
        rebuildTiers()
        if !replica.countsLocally { probe(replica, waiter: nil, attemptIndex: 0) }
        ensureTasks()
    }

    /// Stops routing to a replica and forgets it once its requests have finished.
    public func removeReplica(_ id: ReplicaID) throws(RouterError) {
        guard let replica = replicasByID[id], !replica.isLeaving else { throw .unknown(id) }
        replica.isLeaving = true
        replica.recoveryTimer?.cancel()
        record(.replica, "\(id) removed")
        rebuildTiers()
        forgetIfIdle(replica)
    }

    /// Lets a replica finish its work while it takes no new requests.
    public func drainReplica(_ id: ReplicaID) throws(RouterError) {
        guard let replica = replicasByID[id], !replica.isLeaving else { throw .unknown(id) }
        guard replica.state != .dead else { throw RouterError("replica \(id) is dead; it cannot drain") }
        setState(replica, .draining, because: "drained by the operator")
    }

    /// Describes a fault injected into a replica, for the replica table; nil clears it.
    public func setFault(_ description: String?, for id: ReplicaID) {
        replicasByID[id]?.fault = description
    }

    /// One replica as the dashboard shows it.
    public func replica(_ id: ReplicaID) -> ReplicaSnapshot? {
        replicasByID[id].map(replicaSnapshot)
    }

    /// The ids of the replicas in the table, in the order they were added.
    public var replicaIDs: [ReplicaID] { replicas.map(\.id) }

    func setState(_ replica: ReplicaRecord, _ state: ReplicaState, because reason: String) {
        guard replica.state != state, replica.state != .dead else { return }
        let old = replica.state
        replica.state = state
        record(state == .healthy ? .replica : .warning, "\(replica.id) \(old.rawValue) → \(state.rawValue): \(reason)")
        switch state {
        case .unavailable:
            replica.cache = nil
            scheduleRecoveryProbe(replica)
        case .dead:
            replica.cache = nil
            replica.recoveryTimer?.cancel()
            replica.recoveryTimer = nil
        case .healthy:
            replica.recoveryTimer?.cancel()
            replica.recoveryTimer = nil
            replica.recoveryDelay = .milliseconds(500)
        case .draining:
            break
        }
        rebuildTiers()
        ensureTasks()
    }

    func rebuildTiers() {
        let routable = replicas.filter(\.isRoutable)
        routableCount = routable.count
        guard !routable.isEmpty else {
            tiers = []
            return
        }
        guard options.locality.preferLocal else {
            tiers = [routable]
            return
        }
        let sameNode = routable.filter { $0.info.node == options.locality.node }
        let sameZone = routable.filter { $0.info.zone == options.locality.zone }
        // A tier equal to the one before it (same size, and each is a subset of the next) adds nothing.
        var built: [[ReplicaRecord]] = []
        for tier in [sameNode, sameZone, routable] where !tier.isEmpty && tier.count != built.last?.count {
            built.append(tier)
        }
        tiers = built
    }

    func forgetIfIdle(_ replica: ReplicaRecord) {
        guard replica.isLeaving, replica.inFlight == 0, replicasByID[replica.id] === replica else { return }
        replica.probe?.timer?.cancel()
        replica.probe?.handle?.cancel()
        replica.probe = nil
        replica.recoveryTimer?.cancel()
        replicasByID[replica.id] = nil
        replicas.removeAll { $0 === replica }
    }
}
