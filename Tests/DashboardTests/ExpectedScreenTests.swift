import Dashboard
import RouterEngine
import Testing

/// Whole frames as a person reads them, kept next to the tests: a change to any view shows here
/// as a readable difference. Trailing spaces of each row are not compared.
@Suite("Expected screens")
struct ExpectedScreenTests {
    private func rows(_ screen: Screen) -> [String] {
        (0..<screen.height).map { String(screen.row($0).reversed().drop { $0 == " " }.reversed()) }
    }

    private func expectRows(_ screen: Screen, _ expected: String) {
        let actual = rows(screen)
        let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(actual.count == wanted.count)
        for (index, (got, want)) in zip(actual, wanted).enumerated() {
            #expect(got == want, "row \(index)")
        }
    }

    @Test("the main view at 80×24")
    func main80x24() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        expectRows(dashboard.render(size: TerminalSize(columns: 80, rows: 24)), Self.main80x24)
    }

    @Test("the editor refusing a max backoff below the initial backoff, at 80×24")
    func editor80x24() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        dashboard.handle(.character("e"))
        dashboard.handle(.down)
        dashboard.handle(.down)
        dashboard.handle(.delete)
        dashboard.type("0.01")
        expectRows(dashboard.render(size: TerminalSize(columns: 80, rows: 24)), Self.editor80x24)
    }

    @Test("read-only in ASCII at 100×24")
    func readOnlyASCII() {
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot(replicas: 5)), readOnly: true, ascii: true)
        expectRows(dashboard.render(size: TerminalSize(columns: 100, rows: 24)), Self.readOnlyASCII100x24)
    }

    static let main80x24 = """
        routertop  fulfil p50 800µs p99 31ms  in 121/s out 119/s fail 0.0/s  pending 7
        failed 0  simulated fleet  backoff 0.025s ×2 max 0.5s  load 100/s
        ── Replicas 8 · prefers node node-a (4 of 8) · sort replica id ▲ ───────────────
         replica▲  node/zone     state       queue          infl src    routed   err   ›
        ▶replica-0 node-a/zone-1 healthy        ░░░░░   0/5    0 probe    1000     0
         replica-1 node-b/zone-2 healthy        █░░░░   1/5    1 cache    1037     0
         replica-2 node-a/zone-2 healthy        ██░░░   2/5    2 local    1074     0
         replica-3 node-b/zone-1 healthy        ███░░   3/5    3 probe    1111     0
         replica-4 node-a/zone-2 healthy        ████░   4/5    0 cache    1148     0
         replica-5 node-b/zone-2 healthy        █████   5/5    1 local    1185     0
         replica-6 node-a/zone-1 healthy        ░░░░░   0/5    2 probe    1222     0
         replica-7 node-b/zone-2 healthy        █░░░░   1/5    3 cache    1259     0
        ── Tasks: backoff 2 · probing 0 ────────────────────────────────────────────────
         failed attempts 42  reroutes 2  warnings 0  sleeps 30
         req-4711    #4   wait 50ms   ████████░░░░░░░░░░░░   20ms left
         req-4712    #2   wait 0      probing  0 in backoff
         attempts per request: 1:4800 2:150 3:40
        ── Events ──────────────────────────────────────────────────────────────────────
         00:00:03.0 replica  replica-1 is unavailable
         00:00:09.0 settings set: initial backoff (s) 0.025 → 0.01 by alice from
                             10.0.0.5


        q quit  ? help  Enter detail  s S sort  / filter  Tab panel  e edit  p pause
        """

    static let editor80x24 = """
        routertop  fulfil p50 800µs p99 31ms  in 121/s out 119/s fail 0.0/s  pending 7
        failed 0  simulated fleet  backoff 0.025s ×2 max 0.5s  load 100/s
        ┌─ Edit router parameters ─────────────────────────────────────────────────────┐
        │ initial backoff (s)     0.025                                                │
        │ backoff multiplier      2                                                    │
        │ max backoff (s)         0.01_         refused: see why below                 │
        │ probe deadline (s)      0.1                                                  │
        │ max probe deadline (s)  1                                                    │
        │ cache TTL (s)           10                                                   │
        │ confirm within (s)                    empty: apply for good                  │
        │                                                                              │
        │ refused: max backoff (s) = 0.01 is below the initial backoff 0.025; it must  │
        │ be at least the initial backoff; the form cannot be applied                  │
        │                                                                              │
        │ what-if over the recorded traffic           once the form is accepted        │
        │ fulfilment p50 / p99 (ms)                                                    │
        │ failed attempts                                                              │
        │ backoff sleeps                                                               │
        │ routing timeouts                                                             │
        │                                                                              │
        │ preview: waits appear when every field is accepted                           │
        │                                                                              │
        │ Enter apply · Esc cancel · ↑↓ Tab field · F5 suggest backoff                 │
        └──────────────────────────────────────────────────────────────────────────────┘
        """

    static let readOnlyASCII100x24 = """
        routertop   READ-ONLY   fulfil p50 800us p99 31ms  in 121/s out 119/s fail 0.0/s  pending 7
        failed 0  simulated fleet  backoff 0.025s x2 max 0.5s  probe 0.1s max 1s  cache TTL 10s  load 100/s
         READ-ONLY: watching only; edits, faults and replica changes are refused
        -- Replicas 5 | prefers node node-a (3 of 5) | sort replica id ^ -----------------------------------
         replica^  node/zone     state       queue          infl src    routed   err   rej  full ptmo fault>
        >replica-0 node-a/zone-1 healthy        .....   0/5    0 probe    1000     0     0     0    0
         replica-1 node-b/zone-2 healthy        #....   1/5    1 cache    1037     0     1     0    1
         replica-2 node-a/zone-2 healthy        ##...   2/5    2 local    1074     0     2     0    0
         replica-3 node-b/zone-1 healthy        ###..   3/5    3 probe    1111     0     3     0    1
         replica-4 node-a/zone-2 healthy        ####.   4/5    0 cache    1148     0     4     0    0
        -- Tasks: backoff 2 | probing 0 --------------------------------------------------------------------
         failed attempts 42  reroutes 2  warnings 0  sleeps 30
         req-4711    #4   wait 50ms   ########............   20ms left
         req-4712    #2   wait 0      probing  0 in backoff
         attempts per request: 1:4800 2:150 3:40
        -- Events ------------------------------------------------------------------------------------------
         00:00:03.0 replica  replica-1 is unavailable
         00:00:09.0 settings set: initial backoff (s) 0.025 -> 0.01 by alice from 10.0.0.5





        q quit  ? help  Enter detail  s S sort  / filter  Tab panel  p pause  t theme  < > refresh  T trace
        """
}
