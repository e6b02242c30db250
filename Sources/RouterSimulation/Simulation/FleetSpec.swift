import RouterEngine

/// A simulated replica as a scenario file or the default fleet describes it.
public struct SimulatedReplicaSpec: Equatable, Sendable {
    public var info: ReplicaInfo
    public var serviceTime: ServiceTimeDistribution
    public var probeRTT: Duration
    /// The most models it holds at once (multiplexing); nil serves any model without loading.
    public var maxModels: Int?
    /// How long it takes to load a model it does not hold.
    public var modelLoad: Duration

    public init(
        info: ReplicaInfo, serviceTime: ServiceTimeDistribution, probeRTT: Duration, maxModels: Int? = nil,
        modelLoad: Duration = .zero
    ) {
        self.info = info
        self.serviceTime = serviceTime
        self.probeRTT = probeRTT
        self.maxModels = maxModels
        self.modelLoad = modelLoad
    }
}

/// A simulated fleet: its replicas and the load offered to it.
public struct FleetSpec: Equatable, Sendable {
    public var replicas: [SimulatedReplicaSpec]
    public var load: SimulationStatus
    /// The models the load asks for; nil sends requests without a model.
    public var models: ModelDistribution?

    public init(replicas: [SimulatedReplicaSpec], load: SimulationStatus, models: ModelDistribution? = nil) {
        self.replicas = replicas
        self.load = load
        self.models = models
    }

    /// The fleet routertop shows when started with no arguments: eight replicas on two nodes in two
    /// zones, loaded to about 40 % of capacity overall and more on the router's own node, so pairs
    /// are sometimes full and backoff is visible at once.
    public static let standard = FleetSpec(
        replicas: (1...8).map { index in
            let local = index <= 4
            return SimulatedReplicaSpec(
                info: ReplicaInfo(
                    id: ReplicaID("r\(index)"),
                    node: local ? "node-a" : "node-b",
                    zone: local ? "zone-1" : "zone-2",
                    maxOngoingRequests: 5
                ),
                serviceTime: .exponential(meanMilliseconds: 50),
                probeRTT: .milliseconds(2)
            )
        },
        load: SimulationStatus(requestsPerSecond: 320, arrival: .poisson)
    )
}
