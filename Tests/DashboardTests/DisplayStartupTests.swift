import Dashboard
import RouterAPI
import Testing

/// The display's start-up settings: refresh interval, theme and read-only, from flags or the environment.
struct DisplayStartupTests {
    @Test func defaultsWithoutEnvironment() throws {
        let display = try DisplayStartup.resolve(environment: [:])
        #expect(display.refreshMilliseconds == 500)
        #expect(display.theme == "default")
        #expect(display.readOnly == false)
    }

    @Test func environmentIsRead() throws {
        let display = try DisplayStartup.resolve(environment: ["ROUTERTOP_REFRESH_MS": "250", "ROUTERTOP_THEME": "light"])
        #expect(display.refreshMilliseconds == 250)
        #expect(display.theme == "light")
    }

    @Test func flagWinsOverVariable() throws {
        let display = try DisplayStartup.resolve(
            environment: ["ROUTERTOP_REFRESH_MS": "100", "ROUTERTOP_THEME": "light"],
            flags: .init(refreshMilliseconds: "1000", theme: "dark")
        )
        #expect(display.refreshMilliseconds == 1000)
        #expect(display.theme == "dark")
    }

    @Test(arguments: [
        ("ROUTERTOP_REFRESH_MS", "49", "is too short"),
        ("ROUTERTOP_REFRESH_MS", "10001", "is too long"),
        ("ROUTERTOP_REFRESH_MS", "100.5", "is not a whole number"),
        ("ROUTERTOP_REFRESH_MS", "", "is empty"),
        ("ROUTERTOP_THEME", "", "is empty"),
        ("ROUTERTOP_READONLY", "maybe", "is not a switch"),
        ("ROUTERTOP_READONLY", "", "is empty"),
    ])
    func invalidValueStopsWithItsName(variable: String, value: String, problem: String) {
        #expect {
            _ = try DisplayStartup.resolve(environment: [variable: value])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.subject == variable && error.problem.hasPrefix(problem)
                && error.description.hasPrefix("\(variable)=") && error.description.contains("; it must be")
        }
    }

    @Test func aBadFlagIsNamedAsTheFlag() {
        #expect(throws: ConfigurationError(
            subject: "--refresh-ms", value: "5", problem: "is too short",
            allowed: "a whole number of milliseconds from 50 to 10000"
        )) {
            try DisplayStartup.resolve(environment: [:], flags: .init(refreshMilliseconds: "5"))
        }
    }

    @Test func readOnlyComesFromTheFlagOrTheVariable() throws {
        #expect(try DisplayStartup.resolve(environment: [:]).readOnly == false)
        #expect(try DisplayStartup.resolve(environment: ["ROUTERTOP_READONLY": "1"]).readOnly)
        #expect(try DisplayStartup.resolve(environment: ["ROUTERTOP_READONLY": "true"]).readOnly)
        #expect(try DisplayStartup.resolve(environment: ["ROUTERTOP_READONLY": "0"]).readOnly == false)
        #expect(try DisplayStartup.resolve(environment: [:], flags: .init(readOnly: true)).readOnly)
    }
}
