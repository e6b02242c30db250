extension Router {
    /// The most replicas one router holds: a replica file or an addition beyond it is refused. A
    /// reload of this many is applied in under 4 s with every request served (README, "Dead
    /// replicas and reloads").
    public static let replicaLimit = 10_000

    /// Adds a replica. It is probed at once (or, when many are added together, as soon as the bound
    /// on background probes allows), and tasks waiting for replicas wake.
    public func addReplica(_ info: ReplicaInfo, connection: any ReplicaConnection) throws(RouterError) {
        let replica = try insertReplica(info, connection: connection)
        replicaSet.tiersChanged()
        requestBackgroundProbe(replica)
        ensureTasks()
    }

    /// Adds several replicas with one rebuild of the candidate sets, for a large reload applied in
    /// slices. Returns, for each one refused, its id and why; the others are added.
    public func addReplicas(_ additions: [(ReplicaInfo, any ReplicaConnection)]) -> [(ReplicaID, RouterError)] {
        var refused: [(ReplicaID, RouterError)] = []
        var added: [ReplicaRecord] = []
        for (info, connection) in additions {
            do throws(RouterError) {
                added.append(try insertReplica(info, connection: connection))
            } catch {
                refused.append((info.id, error))
            }
        }
        replicaSet.tiersChanged()
        for replica in added { requestBackgroundProbe(replica) }
        ensureTasks()
        return refused
    }

    private func insertReplica(_ info: ReplicaInfo, connection: any ReplicaConnection) throws(RouterError) -> ReplicaRecord {
        try refuseIfShutDown()
        guard replicaSet[info.id] == nil else { throw .duplicate(info.id) }
        let replica = ReplicaRecord(info: info, connection: connection)
        replica.recordingTrack = recorder?.observe(info, at: now)
        replicaSet.insert(replica)
        // The router and the record through their handles: the connection keeps the sink, and
        // the record keeps the connection.
        connection.reportModelEvidence { [handle, record = replica.handle] evidence in
            guard let replica = record.object else { return }
            handle.object?.modelEvidence(evidence, from: replica)
        }
        record(.replica, "\(info.id) added (\(info.node)/\(info.zone), max \(info.maxOngoingRequests))")
        return replica
    }

    /// Stops routing to a replica and forgets it once its requests have finished.
    public func removeReplica(_ id: ReplicaID) throws(RouterError) {
        try refuseIfShutDown()
        guard let replica = replicaSet[id], !replica.isLeaving else { throw .unknown(id) }
        replica.isLeaving = true
        replica.recoveryTimer?.cancel()
        record(.replica, "\(id) removed")
        recorder?.replicaChanged(.replicaRemoved, id, at: now)
        replicaSet.tiersChanged()
        releaseWaits(on: replica)
        forgetIfIdle(replica)
        trimTasks()
    }

    /// Lets a replica finish its work while it takes no new requests.
    public func drainReplica(_ id: ReplicaID) throws(RouterError) {
        try refuseIfShutDown()
        guard let replica = replicaSet[id], !replica.isLeaving else { throw .unknown(id) }
        guard replica.state != .dead else { throw RouterError("replica \(id) is dead; it cannot drain") }
        setState(replica, .draining, because: "drained by the operator")
        recorder?.replicaChanged(.replicaDrained, id, at: now)
    }

    /// Describes a fault injected into a replica, for the replica table; nil clears it.
    public func setFault(_ description: String?, for id: ReplicaID) {
        replicaSet[id]?.fault = description
    }

    /// One replica as the dashboard shows it.
    public func replica(_ id: ReplicaID) -> ReplicaSnapshot? {
        replicaSet[id].map(replicaSnapshot)
    }

    /// The ids of the replicas in the table, in the order they were added.
    public var replicaIDs: [ReplicaID] { replicaSet.records.map(\.id) }

    /// How many replicas the router holds, those leaving included.
    public var replicaCount: Int { replicaSet.count }

    func setState(_ replica: ReplicaRecord, _ state: ReplicaState, because reason: String) {
        guard replica.state != state, replica.state != .dead else { return }
        let old = replica.state
        replica.state = state
        let line = "\(replica.id) \(old.rawValue) → \(state.rawValue): \(reason)"
        // Its first answer is what an added replica is expected to give: the "added" line said enough.
        let quiet = old == .probing && state == .healthy
        let kind: RouterEvent.Kind = state == .healthy ? .replica : .warning
        // A replica that fails forwarded requests but answers probes flaps once per request: its
        // flaps are folded into one line per 5 s, like its errors.
        let flap = reason.hasPrefix("connection ") || (old == .unavailable && replica.unavailableByForwarding)
        replica.unavailableByForwarding = state == .unavailable && reason.hasPrefix("connection ")
        if flap {
            recordThrottled("state:\(replica.id):\(state.rawValue)", kind, detail: line) { count, last in
                count == 1 ? last : last + " (\(count) times)"
            }
        } else if !quiet {
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
        case .draining, .probing:
            break
        }
        replicaSet.tiersChanged()
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

    /// A replica that left routing releases every routing task waiting on its probe at once: for
    /// them it is as if the probe had timed out, and the attempt goes on with the other candidates.
    func releaseWaits(on replica: ReplicaRecord) {
        guard let probe = replica.probe else { return }
        probe.timer?.cancel()
        probe.handle?.cancel()
        replica.probe = nil
        recordProbeEnded(probe, on: replica, ProbeCode.timeout, at: now)
        backgroundProbeEnded(probe)
        let waiters = probe.waiters
        probe.waiters = []
        for (task, token) in waiters where token == task.machine.probingToken {
            traceProbe(of: replica, for: task, outcome: "replica_left", length: nil, roundTrip: nil)
            perform(task.machine.replicaLeft(replica.id), for: task)
        }
    }

    /// Requests running on a dead replica will never be answered: they are routed again now.
    private func rerouteRunning(on replica: ReplicaRecord) {
        for (request, since) in queue.running(on: replica) {
            request.sendHandle?.cancel()
            request.sendHandle = nil
            recordSendEnded(on: replica, sentAt: since, SendCode.cancelled, at: now)
            queue.totals.running -= 1
            replica.inFlight -= 1
            traceSendEnded(request, outcome: "replica_died", requeue: "reroute", at: now)
            reroute(request)
        }
    }

    func forgetIfIdle(_ replica: ReplicaRecord) {
        guard replica.isLeaving, replica.inFlight == 0, replicaSet.holds(replica) else { return }
        releaseWaits(on: replica)
        replica.recoveryTimer?.cancel()
        replica.inferenceProbeTimer?.cancel()
        replica.inferenceProbeTimer = nil
        replicaSet.remove(replica)
    }
}
