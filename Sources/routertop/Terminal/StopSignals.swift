import CNcursesw
import Synchronization

/// The last stop signal received (SIGINT, SIGTERM or SIGHUP), or 0; written by the signal handler.
///
/// An atomic store is all the handler does, so it stays async-signal-safe; the UI loop reads it once
/// per tick and shuts down in order from its own thread.
private let receivedStopSignal = Atomic<Int32>(0)

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the UI loop polls.
enum StopSignals {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers. Call before curses starts, so curses keeps its hands off these signals.
    static func install() {
        // Touch the global first: its lazy initialisation must not happen inside a signal handler.
        receivedStopSignal.store(0, ordering: .relaxed)
        for signo in handled {
            _ = rt_install_signal_handler(signo) { signo in
                receivedStopSignal.store(signo, ordering: .relaxed)
            }
        }
    }

    /// The signal that asked us to stop, if any.
    static var received: Int32? {
        let value = receivedStopSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
