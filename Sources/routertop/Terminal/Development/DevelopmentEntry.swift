import Dashboard
import Foundation
import RouterEngine

/// A bare command line for the dashboard over the development fleet, used until the real command
/// and simulated fleet land: `routertop [--replicas N] [--refresh-ms MS] [--theme NAME|PATH]
/// [--readonly] [--ascii]`, plus the environment variables of the design.
enum DevelopmentEntry {
    static func main(arguments: [String], environment: [String: String]) -> Int32 {
        var flags = StartupConfiguration.Flags()
        var replicas = 16
        var readOnly = environment["ROUTERTOP_READONLY"] == "1"
        var ascii = false
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--readonly": readOnly = true
            case "--ascii": ascii = true
            case "--replicas", "--refresh-ms", "--theme":
                guard let value = remaining.popFirst() else { return fail("\(argument) needs a value") }
                switch argument {
                case "--replicas":
                    guard let count = Int(value), (1...1024).contains(count) else {
                        return fail("--replicas=\(value) is not allowed; it must be a whole number from 1 to 1024")
                    }
                    replicas = count
                case "--refresh-ms": flags.refreshMilliseconds = value
                default: flags.theme = value
                }
            default:
                return fail("unknown argument \(argument)")
            }
        }
        let startup: StartupConfiguration
        do {
            startup = try StartupConfiguration.resolve(environment: environment, flags: flags)
        } catch {
            return fail(error.description)
        }
        var configuration = DashboardConfiguration()
        configuration.refreshMilliseconds = startup.refreshMilliseconds
        configuration.readOnly = readOnly
        configuration.ascii = ascii
        let fleet = DevelopmentFleet(replicas: replicas, settings: startup.router)
        return TerminalDashboard.run(control: fleet, configuration: configuration, themeName: startup.theme)
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("routertop: \(message)\n".utf8))
        return 2
    }
}
