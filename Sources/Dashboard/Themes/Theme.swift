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

/// Resolves a theme and the chain of themes it extends.
struct ThemeLoader {
    static let maxDepth = 8
    let searchDirectories: [String]
    private var chain: [String] = []

    init(searchDirectories: [String]) {
        self.searchDirectories = searchDirectories
    }

    static func isThemeName(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    mutating func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
        let path = try locate(nameOrPath, besides: nil)
        let (roles, summary) = try resolve(path: path, requested: nameOrPath)
        var appearances: [StyleRole: RoleAppearance] = [:]
        for (role, partial) in roles { appearances[role] = partial.appearance }
        let name = Self.baseName(path)
        return Theme(name: name, file: path, summary: summary, appearances: appearances)
    }

    private mutating func resolve(
        path: String, requested: String
    ) throws(ThemeError) -> ([StyleRole: ThemeDocument.PartialAppearance], String?) {
        guard !chain.contains(path) else {
            let cycle = (chain + [path]).map(Self.baseName).joined(separator: " → ")
            throw ThemeError(file: chain.last ?? path, line: nil, reason: "extends goes round in a circle: \(cycle)")
        }
        guard chain.count < Self.maxDepth else {
            throw ThemeError(file: path, reason: "extends is nested more than \(Self.maxDepth) deep")
        }
        chain.append(path)
        defer { chain.removeLast() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, reason: "is not UTF-8 text")
        }
        let document = try ThemeDocument(text: text, file: path)
        var roles: [StyleRole: ThemeDocument.PartialAppearance] = [:]
        var summary = document.description
        if let parent = document.extends {
            let parentPath: String
            do {
                parentPath = try locate(parent, besides: path)
            } catch {
                let line = ThemeLineLocator(text: text).line(of: "extends")
                throw ThemeError(file: path, line: line, reason: "extends \"\(parent)\": \(error.reason)")
            }
            let (parentRoles, parentSummary) = try resolve(path: parentPath, requested: parent)
            roles = parentRoles
            summary = summary ?? parentSummary
        }
        for (role, partial) in document.roles {
            roles[role] = partial.over(roles[role])
        }
        return (roles, summary)
    }

    /// The file for a theme name or path.
    private func locate(_ nameOrPath: String, besides file: String?) throws(ThemeError) -> String {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            var resolved = nameOrPath
            if !nameOrPath.hasPrefix("/"), let file {
                resolved = Self.directory(of: file) + "/" + nameOrPath
            }
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw ThemeError(file: nameOrPath, reason: "no such file")
            }
            return resolved
        }
        guard Self.isThemeName(nameOrPath) else {
            throw ThemeError(
                file: nameOrPath,
                reason: "is not a theme name (letters, digits, - and _) nor a path to a .toml file"
            )
        }
        let directories = (file.map { [Self.directory(of: $0)] } ?? []) + searchDirectories
        for directory in directories {
            let candidate = directory + "/" + nameOrPath + ".toml"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let available = Theme.available(in: searchDirectories)
        let known = available.isEmpty ? "no themes were found" : "available: \(available.joined(separator: ", "))"
        throw ThemeError(file: nameOrPath + ".toml", reason: "no theme named \"\(nameOrPath)\" (\(known))")
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func baseName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
    }
}
