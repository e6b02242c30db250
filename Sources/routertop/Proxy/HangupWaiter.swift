import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calls `handler` on each SIGHUP, on a queue of its own: a headless router re-reads its files.
final class HangupWaiter {
    private let source: any DispatchSourceSignal

    init(_ handler: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "routertop.hangup"))
        source.setEventHandler { handler() }
        source.resume()
    }
}
