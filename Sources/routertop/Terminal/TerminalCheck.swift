import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses to start the dashboard when standard input or output is not a terminal, or the terminal
/// cannot place the cursor (`TERM=dumb`).
enum TerminalCheck {
    /// What works without a screen, named in every refusal.
    static let alternatives = "for scripts run `routertop simulate --scenario Scenarios/burst.toml`, "
        + "or proxy without a screen with `routertop --listen 127.0.0.1:8000 --replica URL --headless`"

    /// Why the dashboard cannot run here (one line, without the program's name), or nil when both
    /// ends are terminals.
    static func problem(stdinIsTerminal: Bool = isatty(STDIN_FILENO) == 1,
                        stdoutIsTerminal: Bool = isatty(STDOUT_FILENO) == 1,
                        terminalName: String? = ProcessInfo.processInfo.environment["TERM"]) -> String? {
        if stdinIsTerminal, stdoutIsTerminal, terminalName == "dumb" {
            return "TERM=dumb cannot place the cursor, so the dashboard cannot start; run it in a "
                + "terminal emulator (TERM=xterm-256color, for example), or \(alternatives)"
        }
        let which: String
        switch (stdinIsTerminal, stdoutIsTerminal) {
        case (true, true): return nil
        case (false, true): which = "standard input is"
        case (true, false): which = "standard output is"
        case (false, false): which = "standard input and output are"
        }
        return "\(which) not a terminal, so the dashboard cannot start; " + alternatives
    }

    /// Refuses with exit status 2 and the one line when the dashboard cannot run here; called before
    /// anything is started (log, journal, router, control socket), so a refused start leaves nothing.
    static func requireTerminal() {
        if let problem = problem() { failStartup(problem) }
    }
}
