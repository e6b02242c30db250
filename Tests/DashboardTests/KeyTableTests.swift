import Foundation
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

    static func readmeKeys() throws -> Set<String> {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let readme = try String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(readme.components(separatedBy: "| key | does |\n| --- | --- |\n").dropFirst().first)
        var keys = Set<String>()
        for line in table.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("| ") else { break }
            keys.formUnion(Self.keys(in: String(line.dropFirst(2).prefix { $0 != "|" })))
        }
        return keys
    }

    @Test func readmeKeyTableMatchesTheHelp() throws {
        let help = KeyHelp.all.reduce(into: Set<String>()) { $0.formUnion(Self.keys(in: $1.keys)) }
        let readme = try Self.readmeKeys()
        #expect(help.subtracting(readme).isEmpty, "in the help but not in the README: \(help.subtracting(readme).sorted())")
        #expect(readme.subtracting(help).isEmpty, "in the README but not in the help: \(readme.subtracting(help).sorted())")
    }
}
