import RouterAPI
import RouterEngine
import Testing

/// Confirm-or-revert on virtual time: a trial kept when confirmed in time, reverted when its time
/// runs out or its operator's session ends, and a second trial refused while one runs.
struct SettingsTrialTests {
    let scheduler = VirtualScheduler()
    let journal = MemoryJournal()
    let router: Router
    let alice = CommandOrigin(user: "alice", address: "10.0.0.5", uid: 1000, via: .attach)

    init() {
        router = Router(settings: .defaults, scheduler: scheduler, random: SeededRandom(seed: 1))
        router.journal = journal
    }

    var faster: RouterSettings {
        var settings = RouterSettings.defaults
        settings.initialBackoff = 0.01
        return settings
    }

    @Test func confirmedInTimeTheSettingsStay() {
        #expect(router.perform(settings: .applyOnTrial(faster, seconds: 30, session: "s1"), by: alice)
            == .done("settings on trial: they revert in 30 s unless confirmed"))
        scheduler.advance(by: .seconds(29))
        #expect(router.snapshot(mode: .simulated).trial?.secondsLeft == 1)
        #expect(router.perform(settings: .confirm, by: alice) == .done("trial confirmed: the settings stay"))
        scheduler.advance(by: .seconds(60))
        #expect(router.settings == faster)
        #expect(router.snapshot(mode: .simulated).trial == nil)
        #expect(journal.entries.map(\.change.verb) == ["trial", "confirm"])
    }

    @Test func notConfirmedTheSettingsComeBackAtTheDeadlineExactly() throws {
        _ = router.perform(settings: .applyOnTrial(faster, seconds: 30, session: nil), by: alice)
        scheduler.advance(by: .milliseconds(29_999))
        #expect(router.settings == faster)
        scheduler.advance(by: .milliseconds(1))
        #expect(router.settings == .defaults)
        let revert = try #require(journal.entries.last)
        #expect(revert.change.verb == "revert")
        #expect(revert.note == "trial not confirmed within 30 s")
        #expect(revert.who.via == .router)
        #expect(revert.who.login == "alice")
        #expect(revert.change.new.settings == .defaults)
        #expect(router.perform(settings: .confirm, by: alice)
            == .refused("no settings trial runs; there is nothing to confirm"))
    }

    @Test func theOperatorsConnectionDroppingRevertsAtOnce() {
        _ = router.perform(settings: .applyOnTrial(faster, seconds: 30, session: "s1"), by: alice)
        scheduler.advance(by: .seconds(3))
        _ = router.perform(settings: .endSession("someone-else"), by: alice)
        #expect(router.settings == faster)
        _ = router.perform(settings: .endSession("s1"), by: alice)
        #expect(router.settings == .defaults)
        #expect(journal.entries.last?.note == "trial not confirmed before the connection of alice from 10.0.0.5 dropped")
        scheduler.advance(by: .seconds(60))
        #expect(journal.entries.count == 2)
    }

    @Test func aSecondTrialAndOtherChangesAreRefusedWithTheReason() {
        _ = router.perform(settings: .applyOnTrial(faster, seconds: 30, session: nil), by: alice)
        var other = RouterSettings.defaults
        other.maxBackoff = 2
        let bob = CommandOrigin(user: "bob", via: .api)
        #expect(router.perform(settings: .applyOnTrial(other, seconds: 10, session: nil), by: bob)
            == .refused("a trial by alice from 10.0.0.5 runs; confirm it or let it revert before starting another"))
        scheduler.advance(by: .seconds(10))
        #expect(router.perform(settings: .apply(other), by: bob)
            == .refused("a settings trial by alice from 10.0.0.5 runs (20 s left); confirm it or let it revert first"))
        #expect(router.settings == faster)
        #expect(journal.entries.map(\.result) == [.applied, .refused, .refused])
        #expect(journal.entries[1].who.login == "bob")
    }

    @Test func aChangeTheJournalCannotTakeIsRefusedAndChangesNothing() {
        journal.failing = true
        guard case .refused(let reason) = router.perform(settings: .apply(faster), by: alice) else {
            Issue.record("a change that could not be journaled was applied")
            return
        }
        #expect(reason == "the journal cannot be written (disk full); nothing changed")
        #expect(router.settings == .defaults)
    }
}
