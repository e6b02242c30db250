import Foundation

/// A colour theme: how each style role looks, loaded from a TOML file in `themes/`.
public struct Theme: Sendable {
    public var name: String
    /// The file it was loaded from; nil for the built-in plain theme.
    public var file: String?
    public var summary: String?
    private var appearances: [StyleRole: RoleAppearance]

    public init(name: String, file: String? = nil, summary: String? = nil, appearances: [StyleRole: RoleAppearance]) {
        self.name = name
        self.file = file
        self.summary = summary
        self.appearances = appearances
    }

    /// Attributes only, no colour: what routertop draws when no theme file can be read.
    public static let plain = Theme(name: "plain", appearances: [
        .tableSelected: RoleAppearance(attributes: .reverse),
        .tableHeader: RoleAppearance(attributes: .bold),
        .headerTitle: RoleAppearance(attributes: .bold),
        .headerChanged: RoleAppearance(attributes: .bold),
        .headerPaused: RoleAppearance(attributes: .reverse),
        .bannerReadOnly: RoleAppearance(attributes: .reverse),
        .statusRefused: RoleAppearance(attributes: .bold),
        .editFocus: RoleAppearance(attributes: .reverse),
        .editError: RoleAppearance(attributes: .bold),
        .stateDead: RoleAppearance(attributes: .dim),
        .stateUnavailable: RoleAppearance(attributes: .bold),
        .queueFull: RoleAppearance(attributes: .bold),
    ])

    /// How `role` looks on a terminal of `depth`.
    ///
    /// A role the theme does not set falls back to its parent meaning (`queue.high` to `queue`),
    /// then to `normal`.
    public func style(for role: StyleRole, depth: ColorDepth) -> TextStyle {
        appearance(for: role).style(depth: depth)
    }

    /// The appearance the theme gives `role`, after falling back as `style(for:depth:)` does.
    public func appearance(for role: StyleRole) -> RoleAppearance {
        if let found = appearances[role] { return found }
        var name = Substring(role.rawValue)
        while let dot = name.lastIndex(of: ".") {
            name = name[..<dot]
            if let found = appearances[StyleRole(rawValue: String(name))] { return found }
        }
        return appearances[.normal] ?? RoleAppearance()
    }

    /// Every known role resolved for `depth`, for a painter that looks styles up per cell.
    public func resolvedStyles(depth: ColorDepth) -> [StyleRole: TextStyle] {
        var styles: [StyleRole: TextStyle] = [:]
        for role in StyleRole.known { styles[role] = style(for: role, depth: depth) }
        return styles
    }

    /// Loads a theme by name (a `NAME.toml` in one of `searchDirectories`) or by path.
    ///
    /// A value containing `/` or ending in `.toml` is a path. `extends` names are looked up in the
    /// theme file's own folder first, then in `searchDirectories`.
    public static func load(_ nameOrPath: String, searchDirectories: [String]) throws(ThemeError) -> Theme {
        var loader = ThemeLoader(searchDirectories: searchDirectories)
        return try loader.load(nameOrPath)
    }

    /// The names of the themes in `searchDirectories`, sorted, each once.
    public static func available(in searchDirectories: [String]) -> [String] {
        var names = Set<String>()
        for directory in searchDirectories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".toml") {
                let name = String(file.dropLast(5))
                if ThemeLoader.isThemeName(name) { names.insert(name) }
            }
        }
        return names.sorted()
    }
}
