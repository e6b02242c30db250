import Dashboard
import Foundation
import RouterEngine
import Testing

@Suite("Themes")
struct ThemeTests {
    private let directories = [Fixtures.themesDirectory]

    @Test("the repository holds at least five themes, all loading, every role set")
    func shippedThemes() throws {
        let names = Theme.available(in: directories)
        #expect(names.count >= 5)
        for required in ["default", "light", "high-contrast", "mono"] { #expect(names.contains(required)) }
        for name in names {
            let theme = try Theme.load(name, searchDirectories: directories)
            #expect(theme.name == name)
            for role in StyleRole.known { _ = theme.style(for: role, depth: .full256) }
        }
    }

    @Test("default keeps the terminal's own background")
    func defaultBackground() throws {
        let theme = try Theme.load("default", searchDirectories: directories)
        #expect(theme.style(for: .normal, depth: .full256).background == .terminalDefault)
        #expect(theme.style(for: .tableRow, depth: .full256).background == .terminalDefault)
    }

    @Test("a role without a background sits on normal's")
    func inheritedBackground() throws {
        let light = try Theme.load("light", searchDirectories: directories)
        #expect(light.style(for: .headerLabel, depth: .full256).background == .indexed(255))
        #expect(light.style(for: .headerLabel, depth: .eight).background == .indexed(7))
        #expect(light.style(for: .tableSelected, depth: .full256).background == .indexed(153))
    }

    @Test("colours degrade: 256, then the 8-colour fallback, then attributes alone")
    func degrade() throws {
        let theme = try Theme.load("default", searchDirectories: directories)
        #expect(theme.style(for: .queueFull, depth: .full256).foreground == .indexed(196))
        #expect(theme.style(for: .queueFull, depth: .eight).foreground == .indexed(1))
        let none = theme.style(for: .queueFull, depth: .none)
        #expect(none.foreground == .terminalDefault && none.background == .terminalDefault && none.bold)
        let selected = theme.style(for: .tableSelected, depth: .none)
        #expect(selected.reverse, "mono attributes replace colour for the selection")
    }

    @Test("without an 8-colour value the nearest of the 8 is used", arguments: [
        (UInt8(196), UInt8(1)), (UInt8(46), UInt8(2)), (UInt8(21), UInt8(4)), (UInt8(208), UInt8(3)),
        (UInt8(231), UInt8(7)), (UInt8(16), UInt8(0)), (UInt8(5), UInt8(5)), (UInt8(244), UInt8(7)),
    ])
    func nearest(_ full: UInt8, _ eight: UInt8) {
        #expect(ColorPalette.nearestOfEight(.indexed(full)) == .indexed(eight))
    }

    @Test("extends inherits roles and overrides key by key")
    func extends() throws {
        let directory = try temporaryThemes([
            "base.toml": "[queue.high]\nfg = 208\nfg8 = \"yellow\"\nattrs = [\"bold\"]\n",
            "child.toml": "extends = \"base\"\n[queue.high]\nfg = 160\n",
        ])
        let theme = try Theme.load("child", searchDirectories: [directory])
        let style = theme.style(for: .queueHigh, depth: .full256)
        #expect(style.foreground == .indexed(160))
        #expect(style.bold)
        #expect(theme.style(for: .queueHigh, depth: .eight).foreground == .indexed(3))
        #expect(try Theme.load(directory + "/child.toml", searchDirectories: []).name == "child", "by path")
    }

    struct BadTheme: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int?
        var reason: String
        var testDescription: String { reason }
    }

    static let badThemes: [BadTheme] = [
        BadTheme(text: "[normal]\nfg = 1\n[queue.high\nfg = 2\n", line: 3, reason: "Error while parsing table header"),
        BadTheme(text: "description = \"x\"\n\n[queue.hgih]\nfg = 2\n", line: 3, reason: "unknown role \"queue.hgih\""),
        BadTheme(text: "[normal]\nfg = 1\n\n[queue.high]\nbg = 7\nfg = 300\n", line: 6, reason: "fg = 300 is out of range"),
        BadTheme(text: "[queue.full]\nfg8 = \"orange\"\n", line: 2, reason: "fg8 = \"orange\" is not a colour"),
        BadTheme(text: "[queue.full]\nfg8 = 9\n", line: 2, reason: "fg8 = 9 is out of range"),
        BadTheme(text: "[queue.full]\nattrs = [\"blink\"]\n", line: 2, reason: "attrs has unknown attribute \"blink\""),
        BadTheme(text: "[queue.full]\nfg = 1\ncolour = 2\n", line: 3, reason: "unknown key \"colour\" in [queue.full]; known keys: attrs, bg, bg8, fg, fg8, mono"),
        BadTheme(text: "name = 3\n", line: 1, reason: "unknown key \"name\" in the top level; known keys: description, extends"),
        BadTheme(text: "extends = \"nowhere\"\n", line: 1, reason: "extends \"nowhere\": no theme named \"nowhere\""),
        // Inputs that once made the TOML library abort the process instead of returning an error.
        BadTheme(text: "[\u{E9}]\n", line: 1, reason: "a table name must start with a letter"),
        BadTheme(text: "[normal]\nfg = 1\n[[=]]\n", line: 3, reason: "found '='"),
        BadTheme(text: "description = \"a\\u0000b\"\n[\n", line: 2, reason: "found the control character U+000A"),
        BadTheme(text: "[normal]\nfg = 1\0\n", line: 2, reason: "NUL character"),
    ]

    @Test("a malformed theme names the file, the line and the reason", arguments: badThemes)
    func errors(_ bad: BadTheme) throws {
        let directory = try temporaryThemes(["bad.toml": bad.text])
        do {
            _ = try Theme.load("bad", searchDirectories: [directory])
            Issue.record("loaded a malformed theme")
        } catch {
            #expect(error.file == directory + "/bad.toml")
            #expect(error.line == bad.line)
            #expect(error.reason.contains(bad.reason), "\(error.reason)")
            #expect(error.description.hasPrefix("theme \(directory)/bad.toml, line \(bad.line ?? 0): "))
        }
    }

    @Test("an unknown theme name says which themes exist")
    func unknownTheme() {
        do {
            _ = try Theme.load("purple", searchDirectories: directories)
            Issue.record("loaded a theme that does not exist")
        } catch {
            #expect(error.file == "purple.toml")
            #expect(error.line == nil)
            #expect(error.reason.contains("no theme named \"purple\" (available: default,"))
        }
    }

    @Test("an extends cycle is refused")
    func cycle() throws {
        let directory = try temporaryThemes(["a.toml": "extends = \"b\"\n", "b.toml": "extends = \"a\"\n"])
        #expect(throws: ThemeError.self) { try Theme.load("a", searchDirectories: [directory]) }
        do {
            _ = try Theme.load("a", searchDirectories: [directory])
        } catch {
            #expect(error.reason.contains("a → b → a"))
        }
    }

    @Test("switching to a malformed theme live is refused into the event log, and t moves past it")
    func liveRefusal() throws {
        let directory = try temporaryThemes([
            "a-good.toml": "[normal]\nfg = 1\n", "b-bad.toml": "[normal]\nfg = -1\n", "c-good.toml": "[normal]\nfg = 2\n",
        ])
        var configuration = Fixtures.configuration()
        configuration.themeSearchDirectories = [directory]
        let dashboard = DashboardController(control: FakeRouterControl(Fixtures.snapshot()), configuration: configuration,
                                            theme: try Theme.load("a-good", searchDirectories: [directory]))
        dashboard.handle(.character("t"))
        #expect(dashboard.theme.name == "a-good")
        let screen = dashboard.render(size: TerminalSize(columns: 200, rows: 50))
        #expect(screen.rows(containing: "warning").contains { $0.contains("theme refused: theme \(directory)/b-bad.toml, line 2") })
        dashboard.handle(.character("t"))
        #expect(dashboard.theme.name == "c-good")
    }

    private func temporaryThemes(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "routertop-themes-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }
}
