import CNcursesw
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The last stop signal received (SIGINT, SIGTERM, SIGHUP or one of `FatalSignals.external`), or 0;
/// written by the signal handler.
///
/// The handler only stores atomics and passes the signal on, so it stays async-signal-safe; the UI
/// loop reads the flag every turn and shuts down in order from its own thread.
private let receivedStopSignal = Atomic<Int32>(0)

#if canImport(Glibc)
/// The UI thread, so a stop signal that lands on another thread can be passed on to it: the signal
/// then interrupts the UI thread's wait for a key and the loop ends at once, not at the next tick.
private let uiThread = Atomic<UInt>(0)
#endif

/// Turns SIGINT, SIGTERM and SIGHUP, and the other signals sent to end the process
/// (`FatalSignals.external`), into a flag the UI loop polls.
enum StopSignals {
    /// Requests to stop: the dashboard quits and the process exits 0.
    static let stopping: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    static var handled: [Int32] { stopping + FatalSignals.external }

    /// Installs the handlers. Call on the UI thread before curses starts, so curses keeps its hands
    /// off these signals.
    static func install() {
        // Touch the globals first: their lazy initialisation must not happen inside a signal handler.
        receivedStopSignal.store(0, ordering: .relaxed)
        #if canImport(Glibc)
        uiThread.store(pthread_self(), ordering: .sequentiallyConsistent)
        #endif
        for signo in handled {
            _ = rt_install_signal_handler(signo) { signo in
                receivedStopSignal.store(signo, ordering: .relaxed)
                #if canImport(Glibc)
                // pthread_self and pthread_kill are async-signal-safe.
                let target = uiThread.load(ordering: .relaxed)
                if target != 0 && pthread_self() != target {
                    _ = pthread_kill(target, signo)
                }
                #endif
            }
        }
    }

    /// The signal that asked us to stop, if any.
    static var received: Int32? {
        let value = receivedStopSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// The signal received when it must end the process once the terminal is restored (SIGQUIT
    /// and the like), rather than let it exit 0.
    static var endingSignal: Int32? {
        guard let signo = received, !stopping.contains(signo) else { return nil }
        return signo
    }
}
