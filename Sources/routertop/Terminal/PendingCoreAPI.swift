import Dashboard
import RouterEngine

// Stand-ins for the screen model being written on the dashboard-core branch, with its announced
// API, so the terminal layer builds and runs before that lands. Delete this file on merge: the real
// types in the Dashboard module then take over with no other change.

/// Display settings (stand-in).
struct DashboardConfiguration: Sendable {
    var refreshMilliseconds: Int = 500
    var readOnly: Bool = false
    var ascii: Bool = false
    var colorDepth: ColorDepth = .none
    var origin: CommandOrigin = CommandOrigin(user: "unknown")
    var themeSearchDirectories: [String] = []
    var exportDirectory: String = "."
}

/// A theme that could not be loaded (stand-in).
struct ThemeError: Error, CustomStringConvertible {
    var description: String
}

/// Colours by role (stand-in: bold headings, everything else plain).
struct Theme: Sendable {
    var name: String

    func style(for role: StyleRole, depth: ColorDepth) -> TextStyle {
        switch role.rawValue {
        case "header": TextStyle(foreground: depth == .none ? .terminalDefault : .indexed(2), bold: true)
        case "state.unavailable", "state.dead": TextStyle(foreground: depth == .none ? .terminalDefault : .indexed(1))
        default: .plain
        }
    }

    static func load(_ nameOrPath: String, searchDirectories: [String]) throws(ThemeError) -> Theme {
        guard nameOrPath == "default" else { throw ThemeError(description: "\(nameOrPath): no such theme") }
        return Theme(name: nameOrPath)
    }
}

/// Keys in, screen out (stand-in: a header, the replica table, the event log; `q`, `u`, `x`, `r`).
final class DashboardController {
    private let control: any RouterControl
    private let configuration: DashboardConfiguration
    let theme: Theme
    private(set) var wantsQuit = false
    var refreshMilliseconds: Int { configuration.refreshMilliseconds }

    init(control: any RouterControl, configuration: DashboardConfiguration, theme: Theme) {
        self.control = control
        self.configuration = configuration
        self.theme = theme
    }

    func handle(_ key: Key) {
        let replica = control.latestSnapshot().replicas.first?.id
        switch key {
        case .character("q"), .function(10): wantsQuit = true
        case .character("u"): if let replica { control.perform(.injectFault(replica, .unavailable), by: configuration.origin) { _ in } }
        case .character("x"): if let replica { control.perform(.injectFault(replica, .kill), by: configuration.origin) { _ in } }
        case .character("r"): if let replica { control.perform(.recover(replica), by: configuration.origin) { _ in } }
        default: break
        }
    }

    func render(size: TerminalSize) -> Screen {
        var screen = Screen(size: size)
        guard size.columns >= 40, size.rows >= 10 else {
            screen.put("terminal too small (need 40×10)", x: 0, y: 0, role: .normal)
            return screen
        }
        let snapshot = control.latestSnapshot()
        let settings = snapshot.settings
        screen.put(
            "routertop · \(snapshot.mode) · up \(Int(snapshot.time.seconds))s · backoff "
                + "\(SettingText.format(settings.initialBackoff))/\(SettingText.format(settings.backoffMultiplier))/"
                + "\(SettingText.format(settings.maxBackoff))",
            x: 0, y: 0, role: "header")
        screen.put("REPLICA       STATE        QUEUE", x: 0, y: 2, role: "header")
        for (index, replica) in snapshot.replicas.enumerated() where index + 3 < size.rows - 6 {
            let line = replica.id.rawValue.padding(13) + " " + replica.state.rawValue.padding(12)
                + " \(replica.queueLength)/\(replica.maxOngoingRequests)"
            screen.put(line, x: 0, y: index + 3, role: StyleRole(rawValue: "state.\(replica.state.rawValue)"))
        }
        for (index, event) in snapshot.events.suffix(4).enumerated() {
            screen.put(event.message, x: 0, y: size.rows - 6 + index, role: .normal)
        }
        screen.put("q quit  u unavailable  x kill  r recover", x: 0, y: size.rows - 1, role: "header")
        return screen
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
