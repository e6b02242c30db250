import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signals that end the process by default, and how the dashboard ends by one of them without
/// leaving the shell in the alternate screen, raw and with the cursor hidden.
///
/// Faults arrive on the thread that caused them and that thread cannot go on: their handler
/// restores the terminal on the spot. Every other such signal (Ctrl-\ sends SIGQUIT) is sent from
/// outside: `StopSignals` turns it into a flag, the UI loop ends and restores the terminal in
/// order, and then `endProcess(by:)` lets the signal end the process as it would have.
enum FatalSignals {
    /// Faults, raised by the code that hit them (SIGABRT also by `abort()`).
    static let faults: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS]

    /// Signals whose default action ends the process, other than the faults, the stop signals
    /// (SIGINT, SIGTERM, SIGHUP: quit and exit 0), SIGPIPE (ignored) and the uncatchable SIGKILL
    /// and SIGSTOP.
    static var external: [Int32] {
        var signals: [Int32] = [SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ]
        #if os(Linux)
        signals += [SIGSTKFLT, SIGPWR, SIGIO]
        #endif
        let realTime = rt_sigrtmin()
        if realTime > 0 { signals += Array(realTime...rt_sigrtmax()) }
        return signals
    }

    /// Installs the fault handlers; call once curses has started.
    static func install() {
        for signo in faults {
            _ = rt_install_fatal_handler(signo) { signo in
                // endwin is not strictly async-signal-safe, but the process is going down and a
                // terminal left in raw mode is worse.
                endwin()
                StderrCapture.restoreAfterFatalSignal()
                // The default action is back in place: end the process with the same signal, also
                // when it was sent with kill rather than raised by a fault.
                raise(signo)
            }
        }
    }

    /// A write to a closed pipe or socket then fails with EPIPE where it happens, instead of ending
    /// the process with the screen still up.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Ends the process by `signo` with its default action (a core dump for SIGQUIT), so whoever
    /// sent it sees the process end the way they asked. Call once the terminal is restored.
    static func endProcess(by signo: Int32) -> Never {
        _ = rt_reset_signal_handler(signo)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signo)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signo)
        // Only reached if the signal's default action does not end the process after all.
        exit(128 + signo)
    }
}
