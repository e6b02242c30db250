extension Router {
    /// Starts keeping the recent traffic within `limits`, for `recording()` and what-if replays.
    /// Call it before the first replica is added, so the recording knows every replica.
    public func startRecording(limits: TrafficRecorder.Limits = .standard) {
        guard !isShutDown else { return }
        // Their numbers named them in the recording this one replaces.
        for replica in replicaSet.records { replica.recordingTrack = nil }
        recorder = TrafficRecorder(
            limits: limits, scheduler: scheduler, settings: settings,
            options: Recording.Options(
                routingTimeoutS: options.routingTimeout?.secondsValue, maxReroutes: options.maxReroutes,
                maxPendingRequests: options.maxPendingRequests, maxRoutingTasks: options.maxRoutingTasksCap,
                legacyBackoff: options.legacyBackoff, multiplexRouting: options.multiplexRouting,
                node: options.locality.node, zone: options.locality.zone, preferLocal: options.locality.preferLocal
            ),
            randomState: random.stateWords.map { String($0, radix: 16) }
        )
    }

    /// The recent traffic, or nil when the router keeps no recording.
    public func recording() -> Recording? {
        (recorder as? TrafficRecorder)?.recording(retries: statistics.retries)
    }

    /// Tells the recorder how a send to `replica`, made at `sentAt`, ended (a `SendCode`).
    func recordSendEnded(on replica: ReplicaRecord, sentAt: EngineTime, _ outcome: UInt8, at time: EngineTime) {
        guard let track = replica.recordingTrack else { return }
        recorder?.sendEnded(track: track, sentAt: sentAt, outcome: outcome, at: time)
    }

    /// Tells the recorder how a probe of `replica` ended (a `ProbeCode`; a timeout had no answer).
    func recordProbeEnded(_ probe: ProbeInFlight, on replica: ReplicaRecord, _ answer: UInt8, at time: EngineTime) {
        guard let track = replica.recordingTrack else { return }
        let roundTrip = answer == ProbeCode.timeout ? nil : time - probe.issuedAt
        recorder?.probeEnded(track: track, issuedAt: probe.issuedAt, roundTrip: roundTrip, answer: answer, at: time)
    }
}
