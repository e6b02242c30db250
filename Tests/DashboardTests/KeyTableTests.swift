import Foundation
import TestSupport
import Testing
@testable import Dashboard

/// The README's key table and the help's key list name the same keys.
struct KeyTableTests {
    /// The key names in a cell: backticks, slashes, commas and the word "or" are separators, and a
    /// pair of arrows written together counts as two keys.
    static func keys(in text: String) -> Set<String> {
        var words = Set<String>()
        let separators = CharacterSet(charactersIn: "`/, ")
        for word in text.components(separatedBy: separators) where !word.isEmpty && word != "or" {
            if word == "↑↓" { words.formUnion(["↑", "↓"]) } else { words.insert(word == "space" ? "Space" : word) }
        }
        return words
    }

    /// The keys named in column `column` of the README table that follows `header`.
    static func readmeKeys(header: String, column: Int) throws -> Set<String> {
        let readme = try String(contentsOf: PackagePaths.file("README.md"), encoding: .utf8)
        let table = try #require(readme.components(separatedBy: header).dropFirst().first)
        var keys = Set<String>()
        for line in table.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("| ") else { break }
            let cells = line.dropFirst(2).split(separator: "|", omittingEmptySubsequences: false)
            keys.formUnion(Self.keys(in: String(cells[column])))
        }
        #expect(!keys.isEmpty, "no keys under \(header)")
        return keys
    }

    static func compare(help: Set<String>, readme: Set<String>) {
        #expect(help.subtracting(readme).isEmpty, "in the help but not in the README: \(help.subtracting(readme).sorted())")
        #expect(readme.subtracting(help).isEmpty, "in the README but not in the help: \(readme.subtracting(help).sorted())")
    }

    @Test func readmeKeyTableMatchesTheHelp() throws {
        let help = KeyHelp.all.reduce(into: Set<String>()) { $0.formUnion(Self.keys(in: $1.keys)) }
        Self.compare(help: help, readme: try Self.readmeKeys(header: "| key | does |\n| --- | --- |\n", column: 0))
    }

    /// The second table: the keys of the help, the column chooser, the texts and the questions.
    @Test func readmeTableOfTheOtherContextsMatchesTheKeyMap() throws {
        let rows = KeyMap.bindings.filter {
            $0.help != nil && $0.otherwise != .typedText && $0.contexts.isDisjoint(with: KeyContext.views)
        }
        let help = rows.reduce(into: Set<String>()) { $0.formUnion(Self.keys(in: $1.label)) }
        #expect(help.isSuperset(of: ["Bksp", "^U", "R", "y", "n", "s", "d", "F10"]))
        Self.compare(help: help,
                     readme: try Self.readmeKeys(header: "| where | key | does |\n| --- | --- | --- |\n", column: 1))
    }
}
