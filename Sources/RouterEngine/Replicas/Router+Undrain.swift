extension Router {
    /// Lets a draining replica take new requests again; it is probed before it is trusted.
    public func undrainReplica(_ id: ReplicaID) throws(RouterError) {
        try refuseIfShutDown()
        guard let replica = replicaSet[id], !replica.isLeaving else { throw .unknown(id) }
        guard replica.state == .draining else {
            throw RouterError("replica \(id) is \(replica.state.rawValue), not draining")
        }
        setState(replica, .healthy, because: "undrained by the operator")
        recorder?.replicaChanged(.replicaUndrained, id, at: now)
        // Its cache entry is from before the drain: ask again now.
        if !replica.countsLocally, replica.probe == nil { probe(replica, waiter: nil, attemptIndex: 0) }
    }
}
