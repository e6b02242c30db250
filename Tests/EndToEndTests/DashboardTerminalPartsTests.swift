import CNcursesw
import Dashboard
import Foundation
import RouterEngine
import Testing
@testable import routertop

/// The terminal layer's pure parts: key decoding, the operator's origin, the refusal line, ASCII.
struct DashboardTerminalPartsTests {
    @Test(arguments: [
        (KEY_UP, Key.up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
        (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end),
        (KEY_ENTER, .enter), (KEY_BACKSPACE, .backspace), (KEY_DC, .delete), (KEY_BTAB, .backTab),
        (KEY_RESIZE, .resize), (rt_key_f(1), .function(1)), (rt_key_f(10), .function(10)), (rt_key_f(12), .function(12)),
    ])
    func functionKeysDecode(code: Int32, key: Key) {
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, code: UInt32(code)) == key)
    }

    @Test(arguments: [
        (UInt32(10), Key.enter), (13, .enter), (27, .escape), (127, .backspace), (8, .backspace), (9, .tab),
        (21, .character("\u{15}")),  // Ctrl-U, which clears the editor's field
        (UInt32(Character("q").asciiValue!), .character("q")), (0xE9, .character("é")), (0x2192, .character("→")),
    ])
    func charactersDecode(code: UInt32, key: Key) {
        #expect(KeyDecoder.decode(status: OK, code: code) == key)
    }

    @Test func unusedInputDecodesToNothing() {
        #expect(KeyDecoder.decode(status: ERR, code: 0) == nil)
        #expect(KeyDecoder.decode(status: OK, code: 1) == nil)  // Ctrl-A
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, code: UInt32(rt_key_f(13))) == nil)
        #expect(KeyDecoder.decode(status: KEY_CODE_YES, code: UInt32(KEY_MOUSE)) == nil)
    }

    @Test func originTakesTheLoginNameAndTheSSHClientAddress() {
        let origin = OperatorOrigin.from(
            environment: ["USER": "ana", "SSH_CLIENT": "203.0.113.7 52144 22"], accountName: "root"
        )
        let uid = UInt32(getuid())
        #expect(origin == CommandOrigin(user: "ana", address: "203.0.113.7", uid: uid, via: .dashboard))
        #expect(OperatorOrigin.from(environment: ["LOGNAME": "bo"], accountName: nil)
            == CommandOrigin(user: "bo", uid: uid, via: .dashboard))
        #expect(OperatorOrigin.from(environment: ["USER": ""], accountName: "svc").user == "svc")
        #expect(OperatorOrigin.from(environment: [:], accountName: nil).user == "unknown")
    }

    @Test func refusalLineNamesWhatIsNotATerminalAndTheAlternatives() throws {
        #expect(TerminalCheck.problem(stdinIsTerminal: true, stdoutIsTerminal: true, terminalName: "xterm") == nil)
        let input = try #require(TerminalCheck.problem(stdinIsTerminal: false, stdoutIsTerminal: true, terminalName: "xterm"))
        #expect(input.contains("standard input is not a terminal"))
        let output = try #require(TerminalCheck.problem(stdinIsTerminal: true, stdoutIsTerminal: false, terminalName: "xterm"))
        #expect(output.contains("standard output is not a terminal"))
        let dumb = try #require(TerminalCheck.problem(stdinIsTerminal: true, stdoutIsTerminal: true, terminalName: "dumb"))
        #expect(dumb.contains("TERM=dumb cannot place the cursor"))
        for line in [input, output, dumb] {
            #expect(!line.contains("\n"))
            #expect(line.contains("routertop simulate --scenario Scenarios/burst.toml"))
            #expect(line.contains("--listen 127.0.0.1:8000 --replica URL --headless"))
        }
    }

    @Test func asciiFallbackKeepsOneColumnPerCharacter() {
        #expect(ASCIIFallback.replacement(for: "×") == "x")
        #expect(ASCIIFallback.replacement(for: "→") == ">")
        #expect(ASCIIFallback.replacement(for: "─") == "-")
        #expect(ASCIIFallback.replacement(for: "█") == "#")
        #expect(ASCIIFallback.replacement(for: "a") == "a")
        #expect(ASCIIFallback.replacement(for: "日") == "?")
    }

    @Test func themesAreFoundAboveTheExecutable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-themes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let bin = root.appendingPathComponent(".build/debug")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("themes"), withIntermediateDirectories: true)
        let elsewhere = FileManager.default.temporaryDirectory.path
        let directories = ThemeDirectories.searchDirectories(
            currentDirectory: elsewhere, executablePath: bin.appendingPathComponent("routertop").path
        )
        #expect(directories.first == URL(fileURLWithPath: elsewhere).appendingPathComponent("themes").path)
        #expect(directories.count == 3)
        #expect(URL(fileURLWithPath: directories[1]).resolvingSymlinksInPath().path
            == root.appendingPathComponent("themes").resolvingSymlinksInPath().path)
    }

    @Test func anInstalledExecutableLooksInShare() {
        let directories = ThemeDirectories.searchDirectories(
            currentDirectory: "/nonexistent", executablePath: "/nonexistent/prefix/bin/routertop"
        )
        #expect(directories == ["/nonexistent/themes", "/nonexistent/prefix/share/routertop/themes"])
    }
}
