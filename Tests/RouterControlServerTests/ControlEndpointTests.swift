import Foundation
import RouterAPI
import Testing

@Suite struct ControlEndpointTests {
    @Test(arguments: [
        ("GET", "/v1/snapshot", ControlEndpoint.snapshot),
        ("GET", "/v1/snapshots?interval_ms=250", .snapshots(intervalMilliseconds: 250)),
        ("GET", "/v1/snapshots", .snapshots(intervalMilliseconds: 500)),
        ("GET", "/v1/settings", .getSettings),
        ("PUT", "/v1/settings", .putSettings),
        ("POST", "/v1/settings/undo", .undoSettings),
        ("GET", "/v1/events?after=12", .events(after: 12)),
        ("POST", "/v1/replicas", .addReplica),
        ("POST", "/v1/replicas/127.0.0.1%3A9001/drain", .drain("127.0.0.1:9001")),
        ("POST", "/v1/replicas/r1/undrain", .undrain("r1")),
        ("DELETE", "/v1/replicas/r1", .remove("r1")),
        ("GET", "/v1/traces?last=5", .traces(last: 5)),
        ("GET", "/metrics", .metrics),
    ])
    func parsesEveryEndpoint(method: String, target: String, expected: ControlEndpoint) throws {
        #expect(try ControlEndpoint.parse(method: method, target: target).get() == expected)
    }

    @Test func everyEndpointsRequestParsesBackToIt() throws {
        let all: [ControlEndpoint] = [
            .snapshot, .snapshots(intervalMilliseconds: 100), .getSettings, .putSettings, .undoSettings,
            .events(after: 3), .addReplica, .drain("a b/c"), .undrain("r"), .remove("r"), .fault("r"), .recover("r"),
            .setLoad, .traces(last: 2), .metrics,
        ]
        for endpoint in all {
            let (method, target) = endpoint.request
            #expect(try ControlEndpoint.parse(method: method, target: target).get() == endpoint, "\(target)")
        }
    }

    @Test(arguments: [
        ("GET", "/v1/nothing", 404, "no endpoint GET /v1/nothing"),
        ("POST", "/v1/snapshot", 405, "POST is not allowed on /v1/snapshot; use GET"),
        ("GET", "/v1/snapshots?interval_ms=5", 400, "interval_ms=5 is not a whole number from 50 to 60000"),
        ("GET", "/v1/events?after=-1", 400, "after=-1 is not an event number"),
    ])
    func refusesWhatIsNotAnEndpoint(method: String, target: String, status: Int, message: String) {
        guard case .failure(let problem) = ControlEndpoint.parse(method: method, target: target) else {
            Issue.record("\(method) \(target) was accepted")
            return
        }
        #expect(problem.status == status)
        #expect(problem.message.hasPrefix(message), "\(problem.message)")
    }
}

@Suite struct SettingsPatchTests {
    let live = RouterSettings.defaults

    @Test func aSubsetChangesOnlyItsKeys() throws {
        let settings = try SettingsPatch.apply(Data(#"{"backoff_multiplier": 3, "max_backoff_s": 2}"#.utf8), over: live).get()
        #expect(settings == RouterSettings(backoffMultiplier: 3, maxBackoff: 2))
    }

    @Test(arguments: [
        (#"{"backoff_multiplier": 0.5}"#, "backoff_multiplier=0.5 is below 1; it must be a finite number ≥ 1"),
        (#"{"max_backoff_s": 0.01}"#, "max_backoff_s=0.01 is below the initial backoff 0.025; it must be at least the initial backoff"),
        (#"{"backoff_multiplyer": 3}"#, #"unknown field "backoff_multiplyer"; the fields are initial_backoff_s"#),
        (#"{"backoff_multiplier": "3"}"#, "backoff_multiplier must be a number, not a string"),
        (#"{"backoff_multiplier": true}"#, "backoff_multiplier must be a number, not a boolean"),
        (#"{"backoff_multiplier": 3"#, "the body is not valid JSON"),
        (#"[1]"#, "the body must be a JSON object"),
        (#"{}"#, "the body names no setting"),
    ])
    func badBodiesAreRefusedByName(body: String, message: String) {
        guard case .failure(let problem) = SettingsPatch.apply(Data(body.utf8), over: live) else {
            Issue.record("\(body) was accepted")
            return
        }
        #expect(problem.status == 400)
        #expect(problem.message.hasPrefix(message), "\(problem.message)")
    }

    @Test func theReasonIsTheEditorsReason() throws {
        let editor = try #require(throws: ConfigurationError.self) {
            try SettingsValidator.value("0.5", for: .backoffMultiplier, subject: "backoff multiplier")
        }
        guard case .failure(let problem) = SettingsPatch.apply(Data(#"{"backoff_multiplier": 0.5}"#.utf8), over: live) else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message.hasSuffix(editor.reason))
    }

    @Test func anOversizedBodyIsRefused() {
        let body = Data(("{\"x\": \"" + String(repeating: "a", count: 70_000) + "\"}").utf8)
        guard case .failure(let problem) = SettingsPatch.apply(body, over: live) else {
            Issue.record("accepted")
            return
        }
        #expect(problem.message.contains("at most 65536"))
    }
}
