import TOMLInput
import Foundation
import TestSupport
import Testing
@testable import RouterEngine

/// The guard in front of the TOML library: inputs that made its parser abort the process are
/// refused with a line, and valid TOML that only looks like them still parses.
struct TOMLDocumentTests {

    @Test("every TOML input names an unknown key with one rule and one wording")
    func unknownKeyWording() throws {
        let table = try TOMLDocument.parse("zeta = 1\nalpha = 2\nbeta = 3\n")
        let unknown = try #require(table.unknownKey(known: ["beta", "gamma"], in: "[router]"))
        #expect(unknown.key == "alpha", "the first unknown key in sorted order")
        #expect(unknown.message == "unknown key \"alpha\" in [router]; known keys: beta, gamma")
        #expect(table.unknownKey(known: ["alpha", "beta", "zeta"], in: "the top level") == nil)
    }

    @Test(arguments: [
        ("[\u{E9}]\n", 1, "found 'é' (U+00E9)"),
        ("a = 1\n\n[[\u{E9}]]\n", 3, "found 'é'"),
        ("[=]\n", 1, "found '='"),
        ("[ #]\n", 1, "found '#'"),
        ("[\n", 1, "found the control character U+000A"),
        ("[[[a]]]\n", 1, "found '['"),
        ("[[ [a]]\n", 1, "found '['"),
        ("[a]\nb = \"\"\"x\"\"\"\n[\u{E9}]\n", 3, "found 'é'"),
        ("\u{FEFF}[\u{E9}]\n", 1, "found 'é'"),
        ("a = [\n  1,\n]\n[,]\n", 4, "found ','"),
        ("a = 1\0\n", 1, "NUL character"),
    ])
    func aTableNameTheParserWouldAbortOnIsRefusedWithItsLine(text: String, line: Int, reason: String) throws {
        #expect(throws: TOMLDocument.Failure.self) { try TOMLDocument.parse(text) }
        let problem = try #require(TOMLInputCheck.problem(in: text))
        #expect(problem.line == line)
        #expect(problem.reason.contains(reason), "\(problem.reason)")
    }

    @Test(arguments: [
        "a = \"\"\"\n[\u{E9}]\n\"\"\"\n",
        "a = '''\n[=]\n'''\n",
        "a = \"\"\"x\\\"\"\"\n[=]\"\"\"\n",
        "a = \"\"\"x\"\"\"\"\"\n[t]\n",
        "a = [\n  [1, 2],\n  [ [3] ],\n]\n",
        "a = \"[\u{E9}]\" # [=]\n[\"\u{E9}\"]\nb = 1\n['x y']\n",
        "\u{FEFF}[a]\nb = 1\n",
        "[ a . b ]\nc = 1\n[[ d ]]\n",
    ])
    func validTOMLThatLooksLikeABadHeaderStillParses(text: String) throws {
        #expect(TOMLInputCheck.problem(in: text) == nil)
        _ = try TOMLDocument.parse(text)
    }

    @Test func everyShippedScenarioAndThemePassesTheCheck() throws {
        var checked = 0
        for folder in ["Scenarios", "themes"] {
            let directory = PackagePaths.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".toml") {
                let text = try TOMLDocument.read(path: directory.appendingPathComponent(name).path)
                #expect(TOMLInputCheck.problem(in: text) == nil, "\(folder)/\(name)")
                checked += 1
            }
        }
        #expect(checked >= 9)
    }

    @Test func invalidUTF8IsRefusedWithTheLineOfTheFirstBadByte() {
        let data = Data("a = 1\nb = \"".utf8) + Data([0xC3, 0x28]) + Data("\"\n".utf8)
        #expect(throws: TOMLDocument.Failure(line: 2, reason: "the file is not UTF-8 text (byte 0xC3)")) {
            try TOMLDocument.text(of: data)
        }
    }

    @Test func aFileLargerThanTheLimitIsRefusedWithoutReadingItAll() {
        // /dev/zero never ends: without the limit this read would not return.
        #expect(throws: TOMLDocument.Failure(line: 0, reason: "the file is larger than 1024 KiB, the limit for a TOML file")) {
            try TOMLDocument.read(path: "/dev/zero")
        }
    }

    @Test func missingFilesAndDirectoriesAreNamed() {
        #expect(throws: TOMLDocument.Failure(line: 0, reason: "no such file")) {
            try TOMLDocument.read(path: "/nonexistent/x.toml")
        }
        #expect(throws: TOMLDocument.Failure(line: 0, reason: "is a directory, not a TOML file")) {
            try TOMLDocument.read(path: PackagePaths.root.path)
        }
    }
}
