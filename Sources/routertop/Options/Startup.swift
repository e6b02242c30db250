import Dashboard
import RouterEngine

/// Everything routertop reads at start: the router's settings (the engine's) and the display's.
struct Startup {
    var router: RouterSettings
    var display: DisplayStartup

    /// Resolves the router's settings, then the display's; the first refused value is thrown,
    /// naming where it came from.
    static func resolve(
        environment: [String: String], router: StartupConfiguration.Flags = .init(), display: DisplayStartup.Flags = .init()
    ) throws(ConfigurationError) -> Startup {
        let engine = try StartupConfiguration.resolve(environment: environment, flags: router)
        return Startup(router: engine.router, display: try DisplayStartup.resolve(environment: environment, flags: display))
    }
}
