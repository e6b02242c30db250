import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// On a crash while the screen is up, restores the terminal before the crash report is seen.
enum FatalSignals {
    static let handled: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

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
}
