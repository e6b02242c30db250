import Testing
@testable import RouterEngine

struct ConfigurationTests {
    @Test func defaultsWithoutEnvironment() throws {
        let startup = try StartupConfiguration.resolve(environment: [:])
        #expect(startup.router == .defaults)
    }

    @Test func environmentIsRead() throws {
        let startup = try StartupConfiguration.resolve(environment: [
            "RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S": "0.05",
            "RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER": "3",
            "RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S": "2",
            "RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S": ".2",
            "RAY_SERVE_MAX_QUEUE_LENGTH_RESPONSE_DEADLINE_S": "1e0",
            "RAY_SERVE_QUEUE_LENGTH_CACHE_TIMEOUT_S": "0",
        ])
        #expect(startup.router == RouterSettings(
            initialBackoff: 0.05, backoffMultiplier: 3, maxBackoff: 2, probeDeadline: 0.2, maxProbeDeadline: 1, cacheTimeout: 0
        ))
    }

    @Test func flagWinsOverVariable() throws {
        let startup = try StartupConfiguration.resolve(
            environment: ["RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S": "0.05"],
            flags: .init(router: [.initialBackoff: "0.01"])
        )
        #expect(startup.router.initialBackoff == 0.01)
    }

    @Test func aBadFlagIsNamedAsTheFlag() {
        #expect(throws: ConfigurationError(
            subject: "--backoff-multiplier", value: "0.5", problem: "is below 1", allowed: "a finite number ≥ 1"
        )) {
            try StartupConfiguration.resolve(environment: [:], flags: .init(router: [.backoffMultiplier: "0.5"]))
        }
    }

    @Test(arguments: [
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "", "is empty"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "fast", "is not a number"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "nan", "is not finite"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "NaN", "is not finite"),
        ("RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S", "inf", "is not finite"),
        ("RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S", "-infinity", "is not finite"),
        ("RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S", "1e999", "is not finite"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "-0.1", "is negative"),
        ("RAY_SERVE_QUEUE_LENGTH_CACHE_TIMEOUT_S", "-1", "is negative"),
        ("RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER", "0.99", "is below 1"),
        ("RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER", "0", "is below 1"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "0.5s", "is not a number"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "0.5 ", "is not a number"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", " 0.5", "is not a number"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "0x10", "is not a number"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "1,5", "is not a number"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "1.", "is below the initial backoff"),
        ("RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S", "0", "is zero"),
        ("RAY_SERVE_MAX_QUEUE_LENGTH_RESPONSE_DEADLINE_S", "-2", "is negative"),
    ])
    func invalidValueStopsWithItsName(variable: String, value: String, problem: String) {
        do {
            _ = try StartupConfiguration.resolve(environment: [variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            // "1." parses, so the refusal that follows is the cross-field one, naming the max backoff.
            let subject = problem.hasPrefix("is below the initial") ? "RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S" : variable
            #expect(error.subject == subject)
            #expect(error.problem.hasPrefix(problem))
            #expect(error.description.hasPrefix("\(subject)="))
            #expect(error.description.contains("; it must be"))
        }
    }

    @Test func maxBelowInitialNamesBothValues() {
        do {
            _ = try StartupConfiguration.resolve(environment: [
                "RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S": "0.5",
                "RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S": "0.1",
            ])
            Issue.record("accepted a max backoff below the initial backoff")
        } catch {
            #expect(error.description == "RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S=0.1 is below the initial backoff 0.5; it must be at least the initial backoff")
        }
    }

    @Test(arguments: ["2", "2.0", "0.025", ".5", "1e-3", "+1", "10"])
    func integersAndDecimalsAreAccepted(text: String) throws {
        let value = try SettingsValidator.value(text, for: .initialBackoff, subject: "x")
        #expect(value == Double(text))
    }

    @Test func environmentLinesReadBack() throws {
        let settings = RouterSettings(initialBackoff: 0.01, backoffMultiplier: 1.5, maxBackoff: 2)
        var environment: [String: String] = [:]
        for line in settings.environmentLines {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            environment[parts[0]] = parts[1]
        }
        #expect(try StartupConfiguration.resolve(environment: environment).router == settings)
    }
}
