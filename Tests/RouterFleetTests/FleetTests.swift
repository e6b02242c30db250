import RouterAPI
import RouterFleet
import Testing

@Suite struct FleetTests {
    @Test func replicasMergeOverRoutersWithDisagreementMarks() {
        let fleet = Fleet(members: [
            FleetFixtures.live("b", FleetFixtures.snapshot(name: "b", replicas: [
                FleetFixtures.replica("r1", queue: 4, inFlight: 2, routed: 30),
                FleetFixtures.replica("r2", queue: 1),
                FleetFixtures.replica("r3", queue: 0, state: .draining),
            ])),
            FleetFixtures.live("a", FleetFixtures.snapshot(name: "a", replicas: [
                FleetFixtures.replica("r1", queue: 1, inFlight: 1, routed: 12),
                FleetFixtures.replica("r2", queue: 2),
                FleetFixtures.replica("r3", queue: 0),
            ])),
        ])
        let replicas = fleet.replicas
        #expect(replicas.map(\.id.rawValue) == ["r1", "r2", "r3"])
        #expect(replicas[0].seenBy == ["a", "b"])
        #expect((replicas[0].queueMin, replicas[0].queueMax) == (1, 4))
        #expect(replicas[0].inFlight == 3 && replicas[0].routed == 42)
        #expect(replicas[0].disagrees, "4 and 1 are more than one slot apart")
        #expect(!replicas[1].disagrees, "1 and 2 are within one slot")
        #expect(replicas[2].states == [.healthy, .draining])
        #expect(replicas[2].disagrees, "one router sees it draining")
    }

    @Test func theMergeIsKeptUntilALiveRoutersTableChanges() {
        func member(_ name: String, queue: Int, version: Int?) -> FleetMember {
            var member = FleetFixtures.live(name, FleetFixtures.snapshot(name: name, replicas: [
                FleetFixtures.replica("r1", queue: queue),
            ]))
            member.replicaVersion = version
            return member
        }
        let first = Fleet(members: [member("a", queue: 1, version: 1), member("b", queue: 1, version: 1)])
        // Same versions: the merge is the last one, even though the tables given here differ.
        let same = Fleet(members: [member("a", queue: 9, version: 1), member("b", queue: 1, version: 1)], previous: first)
        #expect(same.replicas == first.replicas)
        let changed = Fleet(members: [member("a", queue: 9, version: 2), member("b", queue: 1, version: 1)], previous: first)
        #expect((changed.replicas.first?.queueMin, changed.replicas.first?.queueMax) == (1, 9))
        let unknown = Fleet(members: [member("a", queue: 9, version: nil), member("b", queue: 1, version: nil)],
                            previous: Fleet(members: [member("a", queue: 1, version: nil), member("b", queue: 1, version: nil)]))
        #expect(unknown.replicas.first?.queueMax == 9, "without versions the merge is always made again")
        let fewer = Fleet(members: [member("a", queue: 9, version: 1)], previous: first)
        #expect(fewer.replicas.first?.seenBy == ["a"], "a router gone from the live ones changes the merge")
    }

    @Test func unreachableRoutersAreLeftOutOfEverySum() {
        let fleet = Fleet(members: [
            FleetFixtures.live("a", FleetFixtures.snapshot(name: "a", replicas: [FleetFixtures.replica("r1", queue: 1)])),
            FleetMember(name: "b", address: "/run/b.sock",
                        link: .unreachable(since: UTCTime(milliseconds: 3_723_000), reason: "connection refused")),
        ])
        #expect(fleet.live.map(\.name) == ["a"])
        #expect(fleet.replicas.map(\.seenBy) == [["a"]])
        #expect(fleet.members[1].stateText == "unreachable since 01:02:03")
        #expect(fleet.members[1].snapshot == nil)
    }

    @Test func settingsDifferingFromTheMostCommonValueAreMarked() {
        var odd = RouterSettings.defaults
        odd.initialBackoff = 0.05
        let fleet = Fleet(members: [
            FleetFixtures.live("a", FleetFixtures.snapshot(name: "a")),
            FleetFixtures.live("b", FleetFixtures.snapshot(name: "b", settings: odd)),
            FleetFixtures.live("c", FleetFixtures.snapshot(name: "c")),
        ])
        let settings = fleet.settings
        #expect(settings.common[.initialBackoff] == RouterSettings.defaults.initialBackoff)
        #expect(settings.differs("b", .initialBackoff))
        #expect(!settings.differs("a", .initialBackoff))
        #expect(!settings.differs("b", .maxBackoff))
    }

    @Test func eventsFormOneLogInWallClockOrder() {
        let fleet = Fleet(members: [
            FleetFixtures.live("a", FleetFixtures.snapshot(name: "a", events: [
                FleetFixtures.event("a1", utc: 1_000, sequence: 1), FleetFixtures.event("a2", utc: 3_000, sequence: 2),
            ])),
            FleetFixtures.live("b", FleetFixtures.snapshot(name: "b", events: [
                FleetFixtures.event("b1", utc: 2_000, sequence: 7), FleetFixtures.event("b2", utc: 3_000, sequence: 8),
            ])),
        ])
        #expect(fleet.events(limit: 10).map(\.event.message) == ["a1", "b1", "a2", "b2"])
        #expect(fleet.events(limit: 10).map(\.router) == ["a", "b", "a", "b"])
        #expect(fleet.events(limit: 2).map(\.event.message) == ["a2", "b2"], "the newest are kept")
    }

    @Test func rayRoutersGroupByApplicationAndDeployment() {
        var proxy = FleetFixtures.snapshot(name: "ray-proxy")
        proxy.mode = .ray(deployment: "app/Ingress")
        proxy.router.ray = RayIdentity(application: "app", deployment: "Ingress", handleSource: "PROXY")
        var handle = FleetFixtures.snapshot(name: "ray-handle")
        handle.mode = .ray(deployment: "app/Ingress")
        handle.router.ray = RayIdentity(application: "app", deployment: "Ingress", handleSource: "REPLICA")
        let fleet = Fleet(members: [
            FleetFixtures.live("ray-proxy", proxy), FleetFixtures.live("ray-handle", handle),
            FleetFixtures.live("edge", FleetFixtures.snapshot(name: "edge")),
        ])
        #expect(fleet.groups.map(\.group) == ["app/Ingress", "proxy"])
        #expect(fleet.groups[0].members == ["ray-handle", "ray-proxy"])
    }
}
