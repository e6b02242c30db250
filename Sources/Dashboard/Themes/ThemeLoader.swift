import TOMLInput
import Foundation
import RouterAPI

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
        // A role without a background sits on `normal`'s, so a light theme is light everywhere.
        let normal = roles[.normal]
        var appearances: [StyleRole: RoleAppearance] = [:]
        for (role, var partial) in roles {
            if partial.background == nil {
                partial.background = normal?.background
                partial.background8 = partial.background8 ?? normal?.background8
            }
            appearances[role] = partial.appearance
        }
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
        let text: String
        do {
            text = try TOMLDocument.read(path: path)
        } catch {
            throw ThemeError(file: path, line: error.line == 0 ? nil : error.line, reason: error.reason)
        }
        let document = try ThemeDocument(text: text, file: path)
        var roles: [StyleRole: ThemeDocument.PartialAppearance] = [:]
        var summary = document.description
        if let parent = document.extends {
            let parentPath: String
            do {
                parentPath = try locate(parent, besides: path)
            } catch {
                let line = TOMLLineIndex(text: text).line(ofPath: "extends")
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
