import Dashboard
import RouterEngine
import RouterFleet
import Testing

@Suite struct FleetScreenTests {
    func fleet(unreachableB: Bool = false) -> Fleet {
        var odd = RouterSettings.defaults
        odd.initialBackoff = 0.05
        var a = Fixtures.snapshot(replicas: [Fixtures.replica(1, queue: 1), Fixtures.replica(2, queue: 0)],
                                  mode: .proxy(listen: "127.0.0.1:8001"))
        a.router.name = "edge-a"
        var b = Fixtures.snapshot(replicas: [Fixtures.replica(1, queue: 4), Fixtures.replica(2, queue: 1)],
                                  mode: .proxy(listen: "127.0.0.1:8002"), settings: odd)
        b.router.name = "edge-b"
        var c = Fixtures.snapshot(replicas: [Fixtures.replica(1, queue: 2)], mode: .proxy(listen: "127.0.0.1:8003"))
        c.router.name = "edge-c"
        return Fleet(members: [
            FleetMember(name: "edge-a", address: "/run/edge-a.sock", link: .live(a)),
            unreachableB
                ? FleetMember(name: "edge-b", address: "/run/edge-b.sock",
                              link: .unreachable(since: UTCTime(milliseconds: 50_403_000), reason: "connection refused"),
                              kind: .proxy)
                : FleetMember(name: "edge-b", address: "/run/edge-b.sock", link: .live(b)),
            FleetMember(name: "edge-c", address: "/run/edge-c.sock", link: .live(c)),
        ])
    }

    func controller(_ fleet: Fleet, readOnly: Bool = false) -> FleetController {
        let controller = FleetController(theme: .plain, ascii: false, readOnly: readOnly)
        controller.fleet = fleet
        return controller
    }

    @Test func theScreenListsRoutersMergedReplicasAndMarksWhatDiffers() {
        let screen = controller(fleet()).render(size: TerminalSize(columns: 160, rows: 40), now: UTCTime(milliseconds: 0))
        #expect(screen.contains("3 routers, 3 live · 2 replicas"))
        #expect(screen.contains("Routers: proxy (3)"))
        let b = screen.rows(containing: "edge-b").first ?? ""
        #expect(b.contains(" live ") && b.contains("0.05*"), "edge-b's initial backoff differs from the fleet's")
        #expect(!(screen.rows(containing: "edge-a").first ?? "").contains("*"))
        // replica-1 is seen at 1, 4 and 2: more than one slot apart.
        let replica = screen.rows(containing: "replica-1").first ?? ""
        #expect(replica.contains("3/3") && replica.contains("1–4") && replica.contains("≠"))
        #expect(screen.contains("Replicas merged over 3 routers, 1 seen differently (≠)"))
    }

    @Test func aNarrowTerminalListsOnlyTheDifferingSettingsAndTheFleetsValuesInTheTitle() {
        let screen = controller(fleet()).render(size: TerminalSize(columns: 120, rows: 40), now: UTCTime(milliseconds: 0))
        #expect(screen.contains("fleet settings: init 0.025 mult 2 max 0.5"))
        #expect((screen.rows(containing: "edge-b").first ?? "").contains("31ms   init 0.05*"))
        #expect((screen.rows(containing: "edge-a").first ?? "").contains("31ms   = "))
    }

    @Test func aLongRouterNameIsShownWholeWhereTheTerminalHasRoomAndCutToTheRoomLeftOtherwise() {
        let name = "ray-fleet-Front-3497"
        let snapshot = Fixtures.snapshot(replicas: [Fixtures.replica(1, queue: 1)], mode: .proxy(listen: "127.0.0.1:8001"))
        #expect(snapshot.events.count == 2)
        let fleet = Fleet(members: [FleetMember(name: name, address: "/run/\(name).sock", link: .live(snapshot))])
        let wide = controller(fleet).render(size: TerminalSize(columns: 200, rows: 40), now: UTCTime(milliseconds: 0))
        #expect(wide.rows(containing: name).count == 3, "the routers table and both event lines name it whole")
        // At 160 columns the settings leave 2 columns beside the narrowest name column: 14 in all.
        let narrow = controller(fleet).render(size: TerminalSize(columns: 160, rows: 40), now: UTCTime(milliseconds: 0))
        #expect(narrow.rows(containing: name).isEmpty)
        #expect(narrow.rows(containing: "ray-fleet-Fro ").count == 3)
    }

    @Test func anUnreachableRouterShowsSinceWhenAndNoFigures() {
        let screen = controller(fleet(unreachableB: true)).render(size: TerminalSize(columns: 160, rows: 40),
                                                                 now: UTCTime(milliseconds: 0))
        let b = screen.rows(containing: "edge-b").first ?? ""
        #expect(b.contains("unreachable since 14:00:03"))
        #expect(!b.contains("/s"), "no rate is shown for a router that does not answer")
        #expect(screen.contains("3 routers, 2 live, 1 not answering"))
        #expect(screen.contains("Replicas merged over 2 routers"))
    }

    @Test func enterOpensTheSelectedRouterAndEStartsARolloutOnTheMarkedOnes() {
        let controller = controller(fleet())
        #expect(controller.handle(.down) == .none)
        #expect(controller.handle(.enter) == .open("edge-b"))
        _ = controller.handle(.character(" "))
        _ = controller.handle(.down)
        _ = controller.handle(.character(" "))
        #expect(controller.rolloutTargets == ["edge-b", "edge-c"])
        _ = controller.handle(.character("e"))
        for character in "initial_backoff_s=0.05" { _ = controller.handle(.character(character)) }
        guard case .startRollout(let plan) = controller.handle(.enter) else {
            Issue.record("Enter did not start a rollout")
            return
        }
        #expect(plan.targets == ["edge-b", "edge-c"])
        #expect(plan.patch == [.initialBackoff: 0.05])
        #expect(controller.handle(.escape) == .cancelRollout, "Esc cancels the running rollout")
        controller.rolloutStep(.finished(RolloutReport(plan: plan, outcomes: [("edge-b", .changed), ("edge-c", .changed)],
                                                       stopReason: nil)), outcomes: [:])
        let screen = controller.render(size: TerminalSize(columns: 160, rows: 40), now: UTCTime(milliseconds: 0))
        #expect(screen.contains("rollout \(plan.id) initial_backoff_s=0.05: 2/2 changed, done"))
        #expect(screen.contains("    edge-c: changed"))
    }

    @Test func aBadAssignmentIsRefusedWithTheReasonAndStartsNothing() {
        let controller = controller(fleet())
        _ = controller.handle(.character("e"))
        for character in "speed=3" { _ = controller.handle(.character(character)) }
        #expect(controller.handle(.enter) == .none)
        #expect(controller.state.status.hasPrefix("speed=3: speed is not a setting"))
        #expect(controller.state.rollout == nil)
    }

    @Test func canaryInThePromptWatchesTheFirstRouterAlone() {
        let controller = controller(fleet())
        _ = controller.handle(.character("e"))
        for character in "canary=40 initial_backoff_s=0.05" { _ = controller.handle(.character(character)) }
        guard case .startRollout(let plan) = controller.handle(.enter) else {
            Issue.record("Enter did not start a rollout")
            return
        }
        #expect(plan.canarySeconds == 40)
        #expect(plan.patch == [.initialBackoff: 0.05])
        let live = controller.fleet.live
        controller.rolloutComparison(CanaryComparison(canary: live[0], others: Array(live.dropFirst()), failedPerSecond: [:]),
                                     secondsLeft: 12)
        let screen = controller.render(size: TerminalSize(columns: 160, rows: 40), now: UTCTime(milliseconds: 0))
        #expect(screen.contains("canary \(plan.targets[0]), 12 s left"))

        let refused = self.controller(fleet())
        _ = refused.handle(.character("e"))
        for character in "initial_backoff_s=0.05 canary=soon" { _ = refused.handle(.character(character)) }
        #expect(refused.handle(.enter) == .none)
        #expect(refused.state.status == "canary=soon: it must be a whole number of seconds from 0 to 3000")
        #expect(refused.state.rollout == nil)
    }

    @Test func readOnlyRefusesE() {
        let controller = controller(fleet(), readOnly: true)
        #expect(controller.handle(.character("e")) == .none)
        #expect(controller.state.prompt == nil)
        #expect(controller.state.status == "read-only: e is refused")
    }
}
