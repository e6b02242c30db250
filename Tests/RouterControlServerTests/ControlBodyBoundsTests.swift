import Foundation
@testable import RouterControlServer
import RouterAPI
import Testing

/// Bodies that JSON parsers take silently are refused by name: a field given twice, and a duration
/// the engine's nanosecond clock cannot hold.
@Suite struct ControlBodyBoundsTests {
    @Test func aFieldGivenTwiceIsRefusedAndNothingChanges() throws {
        let fixture = try ControlServerTests.Fixture()
        let before = fixture.live.latestSnapshot().settings
        let (status, body) = try fixture.send("PUT", "/v1/settings", #"{"backoff_multiplier": 3, "backoff_multiplier": 4}"#)
        #expect(status == 400)
        #expect(body.contains(#"the field \"backoff_multiplier\" is given twice; give each field once"#), "\(body)")
        // Escapes spell the same key.
        let escaped = try fixture.send("PUT", "/v1/settings", #"{"backoff_multiplier": 3, "backoff_\u006dultiplier": 4}"#)
        #expect(escaped.status == 400)
        #expect(fixture.live.latestSnapshot().settings == before)
        // The same key in two different objects is not a duplicate (nor in an array).
        #expect(StrictJSON.firstDuplicateKey(Data(#"{"a": {"b": 1}, "c": [{"b": 2}, {"b": 3}]}"#.utf8)) == nil)
    }

    @Test(arguments: ["initial_backoff_s", "max_backoff_s", "probe_deadline_s", "cache_timeout_s"])
    func aDurationOverTheEnginesClockIsRefusedSayingSo(_ field: String) throws {
        let fixture = try ControlServerTests.Fixture()
        let before = fixture.live.latestSnapshot().settings
        let body = field == "initial_backoff_s" ? #"{"initial_backoff_s": 1e300, "max_backoff_s": 1e300}"# : #"{"\#(field)": 1e300}"#
        let (status, answer) = try fixture.send("PUT", "/v1/settings", body)
        #expect(status == 400)
        #expect(answer.contains("=1e+300 is over 1000000000 s, the longest duration the engine's nanosecond clock"), "\(answer)")
        #expect(fixture.live.latestSnapshot().settings == before)
    }
}
