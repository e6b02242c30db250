import RouterJournal

/// How a proxy command line differs from the one a running router was started with: the options
/// (with their values) only one of them has.
struct CommandLineDifference: Equatable {
    /// Options of this command the running router lacks, as typed (`--replica http://h:2`).
    var onlyHere: [String]
    /// Options of the running router this command lacks.
    var onlyThere: [String]

    /// Options that say how this process runs or draws, not how the router routes: the dashboard's
    /// own, those it adds when it starts the router process, and `--resume`, which acts once at start.
    static let ignored: Set<String> = [
        "--headless", "--control", "--log-file", "--refresh-ms", "--theme", "--readonly", "--ascii", "--utc",
        JournalDrift.resumeFlag,
    ]

    /// The difference, or nil when both routers would route alike.
    static func between(_ here: [String], running there: [String]) -> CommandLineDifference? {
        var remaining = items(there)
        var onlyHere: [String] = []
        for item in items(here) {
            if let index = remaining.firstIndex(of: item) { remaining.remove(at: index) } else { onlyHere.append(item) }
        }
        return onlyHere.isEmpty && remaining.isEmpty ? nil : CommandLineDifference(onlyHere: onlyHere, onlyThere: remaining)
    }

    /// Each option with its value (`--flag value` and `--flag=value` read alike), the ignored ones left out.
    static func items(_ arguments: [String]) -> [String] {
        var items: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            var flag = argument, value: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            } else if argument.hasPrefix("-"), index < arguments.count, !arguments[index].hasPrefix("-") {
                value = arguments[index]
                index += 1
            }
            guard !ignored.contains(flag) else { continue }
            items.append(value.map { "\(flag) \($0)" } ?? flag)
        }
        return items
    }

    /// `this command has --replica http://h:2; the running router has --replica http://h:1`.
    var description: String {
        var parts: [String] = []
        if !onlyHere.isEmpty { parts.append("this command has " + onlyHere.joined(separator: " ")) }
        if !onlyThere.isEmpty { parts.append("the running router has " + onlyThere.joined(separator: " ")) }
        return parts.joined(separator: "; ")
    }
}
