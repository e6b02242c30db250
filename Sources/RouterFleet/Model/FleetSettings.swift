import RouterAPI

/// The settings across the fleet: for each key the most common value among the live routers, so
/// a router that differs can be marked.
public struct FleetSettings: Sendable {
    /// The most common value per key; ties go to the smaller value, so the choice is stable.
    public private(set) var common: [RouterSettingKey: Double] = [:]
    /// Per router name, the keys on which it differs from `common`.
    public private(set) var differences: [String: Set<RouterSettingKey>] = [:]

    public init(_ routers: [(name: String, snapshot: RouterSnapshot)]) {
        for key in RouterSettingKey.allCases {
            var counts: [Double: Int] = [:]
            for router in routers { counts[router.snapshot.settings[key], default: 0] += 1 }
            guard let top = counts.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }) else { continue }
            common[key] = top.key
            for router in routers where router.snapshot.settings[key] != top.key {
                differences[router.name, default: []].insert(key)
            }
        }
    }

    /// True when `router`'s value of `key` is not the fleet's most common one.
    public func differs(_ router: String, _ key: RouterSettingKey) -> Bool {
        differences[router]?.contains(key) ?? false
    }
}
