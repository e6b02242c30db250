import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// On a crash, or any other signal whose default action ends the process (Ctrl-\ sends SIGQUIT),
/// restores the terminal before the process ends, so the shell is never left in the alternate
/// screen, raw and with the cursor hidden.
enum FatalSignals {
    /// Faults, and the signals that end a process by default without being a request to stop
    /// (SIGINT, SIGTERM and SIGHUP are `StopSignals`, which quit in order). SIGKILL and SIGSTOP
    /// cannot be caught; SIGPIPE is ignored instead.
    static var handled: [Int32] {
        var signals: [Int32] = [
            SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS,
            SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
        ]
        #if os(Linux)
        signals += [SIGSTKFLT, SIGPWR, SIGIO]
        #endif
        let realTime = rt_sigrtmin()
        if realTime > 0 { signals += Array(realTime...rt_sigrtmax()) }
        return signals
    }

    /// Installs the handlers; call once curses has started.
    static func install() {
        for signo in handled {
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
}
