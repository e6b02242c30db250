import RouterEngine

/// A simulated run on virtual time: a fleet, a load, and events at given moments.
public struct Scenario: Equatable, Sendable {
    /// The most requests a scenario may offer over its duration, so every run ends in bounded
    /// time (about a million requests take a second in a release build).
    public static let maxOfferedRequests = 5_000_000

    public var seed: UInt64
    public var duration: Duration
    /// Settings the file's `[router]` table gives; the rest come from the environment and flags.
    public var settingOverrides: [RouterSettingKey: Double]
    public var options: Router.Options
    public var fleet: FleetSpec
    public var events: [ScenarioEvent]

    public init(
        seed: UInt64, duration: Duration, settingOverrides: [RouterSettingKey: Double] = [:],
        options: Router.Options = Router.Options(), fleet: FleetSpec, events: [ScenarioEvent] = []
    ) {
        self.seed = seed
        self.duration = duration
        self.settingOverrides = settingOverrides
        self.options = options
        self.fleet = fleet
        self.events = events
    }
}

/// Something that happens at a moment of a scenario.
public struct ScenarioEvent: Equatable, Sendable {
    public var at: Duration
    public var action: Action

    public init(at: Duration, action: Action) {
        self.at = at
        self.action = action
    }

    /// What happens.
    public enum Action: Equatable, Sendable {
        case fault(ReplicaID, SimulatedFault, duration: Duration?)
        case recover(ReplicaID)
        case addReplica(SimulatedReplicaSpec)
        case removeReplica(ReplicaID)
        case setBackoff([RouterSettingKey: Double])
        case setLoad(requestsPerSecond: Double)
    }
}
