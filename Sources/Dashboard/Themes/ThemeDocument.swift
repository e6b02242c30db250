import TOMLInput
import RouterAPI

/// One theme file, parsed and checked, before `extends` is resolved.
struct ThemeDocument {
    /// A role as one file gives it: only the keys it sets, so an extending theme can change one.
    struct PartialAppearance: Equatable {
        var foreground: TerminalColor?
        var background: TerminalColor?
        var foreground8: TerminalColor?
        var background8: TerminalColor?
        var attributes: TextAttributes?
        var monoAttributes: TextAttributes?

        /// `self` over `base`, key by key.
        func over(_ base: PartialAppearance?) -> PartialAppearance {
            guard let base else { return self }
            return PartialAppearance(
                foreground: foreground ?? base.foreground, background: background ?? base.background,
                foreground8: foreground8 ?? base.foreground8, background8: background8 ?? base.background8,
                attributes: attributes ?? base.attributes, monoAttributes: monoAttributes ?? base.monoAttributes
            )
        }

        var appearance: RoleAppearance {
            RoleAppearance(
                foreground: foreground ?? .terminalDefault, background: background ?? .terminalDefault,
                foreground8: foreground8, background8: background8,
                attributes: attributes ?? [], monoAttributes: monoAttributes
            )
        }
    }

    static let metaKeys: Set<String> = ["description", "extends"]
    static let roleKeys: Set<String> = ["fg", "bg", "fg8", "bg8", "attrs", "mono"]
    private static let knownRoles = Set(StyleRole.known.map(\.rawValue))

    var description: String?
    var extends: String?
    var roles: [StyleRole: PartialAppearance] = [:]

    /// Parses and checks a theme file's text; the first problem in the file is thrown.
    init(text: String, file: String) throws(ThemeError) {
        let table: TOMLTableValue
        do {
            table = try TOMLDocument.parse(text)
        } catch {
            throw ThemeError(file: file, line: error.line == 0 ? nil : error.line, reason: error.reason)
        }
        var problems: [(path: String, reason: String)] = []
        for (key, value) in table {
            if Self.metaKeys.contains(key) {
                guard let text = value.string else {
                    problems.append((key, "\(key) must be a string"))
                    continue
                }
                if key == "extends" { extends = text } else { description = text }
            } else if let group = value.table {
                collectRoles(in: group, path: key, problems: &problems)
            } else {
                // Tables are roles (or groups of roles); any other key must be one of the meta keys.
                problems.append((key, TOMLTableValue.unknownKeyMessage(key, in: "the top level", known: Self.metaKeys)))
            }
        }
        if let extends, extends.isEmpty {
            problems.append(("extends", "extends is empty; it must name another theme"))
        }
        // A table gives its keys sorted, not in file order: report the problem nearest the top.
        let lines = TOMLLineIndex(text: text)
        let located = problems.map { (line: lines.line(ofPath: $0.path), reason: $0.reason) }
        if let first = located.min(by: { ($0.line ?? .max) < ($1.line ?? .max) }) {
            throw ThemeError(file: file, line: first.line, reason: first.reason)
        }
    }

    private mutating func collectRoles(
        in table: TOMLTableValue, path: String, problems: inout [(path: String, reason: String)]
    ) {
        let keys = table.keys
        let isRole = keys.contains(where: Self.roleKeys.contains) || Self.knownRoles.contains(path)
        guard isRole else {
            for (key, value) in table {
                if let group = value.table {
                    collectRoles(in: group, path: "\(path).\(key)", problems: &problems)
                } else {
                    problems.append(("\(path).\(key)", "unknown role \"\(path)\" (its key \"\(key)\" is not a role key)"))
                }
            }
            if keys.isEmpty { problems.append((path, "unknown role \"\(path)\"")) }
            return
        }
        guard Self.knownRoles.contains(path) else {
            problems.append((path, "unknown role \"\(path)\"; themes/README.md lists every role"))
            return
        }
        var appearance = PartialAppearance()
        for (key, value) in table {
            let keyPath = "\(path).\(key)"
            do throws(ThemeValueProblem) {
                switch key {
                case "fg": appearance.foreground = try Self.color256(value, key: key)
                case "bg": appearance.background = try Self.color256(value, key: key)
                case "fg8": appearance.foreground8 = try Self.color8(value, key: key)
                case "bg8": appearance.background8 = try Self.color8(value, key: key)
                case "attrs": appearance.attributes = try Self.attributes(value, key: key)
                case "mono": appearance.monoAttributes = try Self.attributes(value, key: key)
                default:
                    throw ThemeValueProblem(
                        reason: TOMLTableValue.unknownKeyMessage(key, in: "[\(path)]", known: Self.roleKeys)
                    )
                }
            } catch {
                problems.append((keyPath, error.reason))
            }
        }
        roles[StyleRole(rawValue: path)] = appearance
    }

    private struct ThemeValueProblem: Error {
        var reason: String
    }

    private static var colorNames: String { ColorPalette.basicNames.joined(separator: ", ") }

    private static func color256(
        _ value: TOMLValue, key: String
    ) throws(ThemeValueProblem) -> TerminalColor {
        let allowed = "a 256-colour value is 0 to 255, \"default\" or one of \(colorNames)"
        if let number = value.int {
            guard (0...255).contains(number) else {
                throw ThemeValueProblem(reason: "\(key) = \(number) is out of range; \(allowed)")
            }
            return .indexed(UInt8(number))
        }
        if let name = value.string, let color = namedColor(name) { return color }
        throw ThemeValueProblem(reason: "\(key) = \(value.debugDescription) is not a colour; \(allowed)")
    }

    private static func color8(_ value: TOMLValue, key: String) throws(ThemeValueProblem) -> TerminalColor {
        let allowed = "an 8-colour value is 0 to 7, \"default\" or one of \(colorNames)"
        if let number = value.int {
            guard (0...7).contains(number) else {
                throw ThemeValueProblem(reason: "\(key) = \(number) is out of range; \(allowed)")
            }
            return .indexed(UInt8(number))
        }
        if let name = value.string, let color = namedColor(name) { return color }
        throw ThemeValueProblem(reason: "\(key) = \(value.debugDescription) is not a colour; \(allowed)")
    }

    private static func namedColor(_ name: String) -> TerminalColor? {
        if name == "default" { return .terminalDefault }
        return ColorPalette.basicNames.firstIndex(of: name).map { .indexed(UInt8($0)) }
    }

    private static func attributes(
        _ value: TOMLValue, key: String
    ) throws(ThemeValueProblem) -> TextAttributes {
        let allowed = TextAttributes.names.map(\.0).joined(separator: ", ")
        guard let array = value.array else {
            throw ThemeValueProblem(reason: "\(key) must be a list such as [\"bold\"]; attributes are \(allowed)")
        }
        var result: TextAttributes = []
        for element in array {
            guard let name = element.string, let attribute = TextAttributes.names.first(where: { $0.0 == name })?.1 else {
                throw ThemeValueProblem(
                    reason: "\(key) has unknown attribute \(element.debugDescription); attributes are \(allowed)"
                )
            }
            result.insert(attribute)
        }
        return result
    }
}
