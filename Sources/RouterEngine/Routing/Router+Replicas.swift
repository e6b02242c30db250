extension Router {
    /// Adds a replica. It is probed at once, and tasks waiting for replicas wake.
    public func addReplica(_ info: ReplicaInfo, connection: any ReplicaConnection) throws(RouterError) {
        guard replicasByID[info.id] == nil else { throw .duplicate(info.id) }
        let connection = recorder?.observe(connection, of: info, at: now) ?? connection
        let replica = ReplicaRecord(info: info, connection: connection)
        replicas.append(replica)
        replicasByID[info.id] = replica
        connection.reportModelEvidence { [weak self, replica] evidence in
            self?.modelEvidence(evidence, from: replica)
        }
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
        recorder?.replicaChanged(.replicaRemoved, id, at: now)
        rebuildTiers()
        releaseWaits(on: replica)
        forgetIfIdle(replica)
        trimTasks()
    }

    /// Lets a replica finish its work while it takes no new requests.
    public func drainReplica(_ id: ReplicaID) throws(RouterError) {
        guard let replica = replicasByID[id], !replica.isLeaving else { throw .unknown(id) }
        guard replica.state != .dead else { throw RouterError("replica \(id) is dead; it cannot drain") }
        setState(replica, .draining, because: "drained by the operator")
        recorder?.replicaChanged(.replicaDrained, id, at: now)
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
        let line = "\(replica.id) \(old.rawValue) → \(state.rawValue): \(reason)"
        let kind: RouterEvent.Kind = state == .healthy ? .replica : .warning
        // A replica that fails forwarded requests but answers probes flaps once per request: its
        // flaps are folded into one line per 5 s, like its errors.
        let flap = reason.hasPrefix("connection ") || (old == .unavailable && replica.unavailableByForwarding)
        replica.unavailableByForwarding = state == .unavailable && reason.hasPrefix("connection ")
        if flap {
            recordThrottled("state:\(replica.id):\(state.rawValue)", kind, detail: line) { count, last in
                count == 1 ? last : last + " (\(count) times)"
            }
        } else {
            record(kind, line)
        }
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
        if !replica.isRoutable {
            releaseWaits(on: replica)
            if state == .dead {
                rerouteRunning(on: replica)
                forgetIfIdle(replica)
            }
            trimTasks()
        }
        ensureTasks()
    }

    func rebuildTiers() {
        allTier = replicas.filter(\.isRoutable)
        nodeTier = allTier.filter { $0.info.node == options.locality.node }
        zoneTier = allTier.filter { $0.info.zone == options.locality.zone }
    }

    /// A replica that left routing releases every routing task waiting on its probe at once: for
    /// them it is as if the probe had timed out, and the attempt goes on with the other candidates.
    func releaseWaits(on replica: ReplicaRecord) {
        guard let probe = replica.probe else { return }
        probe.timer?.cancel()
        probe.handle?.cancel()
        replica.probe = nil
        let waiters = probe.waiters
        probe.waiters = []
        for (task, token) in waiters where token == task.machine.probingToken {
            traceProbe(of: replica, for: task, outcome: "replica_left", length: nil, roundTrip: nil)
            perform(task.machine.replicaLeft(replica.id), for: task)
        }
    }

    /// Requests running on a dead replica will never be answered: they are routed again now.
    private func rerouteRunning(on replica: ReplicaRecord) {
        let victims = requests.values.filter { request in
            if case .running(let target, _) = request.phase { return target === replica }
            return false
        }.sorted { $0.id < $1.id }
        for request in victims {
            request.sendHandle?.cancel()
            request.sendHandle = nil
            totals.running -= 1
            replica.inFlight -= 1
            traceSendEnded(request, outcome: "replica_died", requeue: "reroute")
            reroute(request)
        }
    }

    func forgetIfIdle(_ replica: ReplicaRecord) {
        guard replica.isLeaving, replica.inFlight == 0, replicasByID[replica.id] === replica else { return }
        releaseWaits(on: replica)
        replica.recoveryTimer?.cancel()
        replica.inferenceProbeTimer?.cancel()
        replica.inferenceProbeTimer = nil
        replicasByID[replica.id] = nil
        replicas.removeAll { $0 === replica }
    }
}
