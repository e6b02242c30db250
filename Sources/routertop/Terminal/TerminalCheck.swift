#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses to start the dashboard when standard input or output is not a terminal.
enum TerminalCheck {
    /// The one line printed when the dashboard cannot run, or nil when both ends are terminals.
    static func problem(stdinIsTerminal: Bool = isatty(STDIN_FILENO) == 1,
                        stdoutIsTerminal: Bool = isatty(STDOUT_FILENO) == 1) -> String? {
        let which: String
        switch (stdinIsTerminal, stdoutIsTerminal) {
        case (true, true): return nil
        case (false, true): which = "standard input is"
        case (true, false): which = "standard output is"
        case (false, false): which = "standard input and output are"
        }
        return "routertop: \(which) not a terminal, so the dashboard cannot start; "
            + "for scripts run `routertop simulate --scenario FILE` or `routertop --headless`"
    }
}
