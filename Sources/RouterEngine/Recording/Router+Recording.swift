extension Router {
    /// Starts keeping the recent traffic within `limits`, for `recording()` and what-if replays.
    /// Call it before the first replica is added, so the recording knows every replica.
    public func startRecording(limits: TrafficRecorder.Limits = .standard) {
        guard !isShutDown else { return }
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
}
