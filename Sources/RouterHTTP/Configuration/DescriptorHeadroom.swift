#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The descriptors a proxy needs to start, checked against the process's limit before it opens
/// any: below it, start-up would fail part way (SwiftNIO stops the process when it cannot make a
/// loop's descriptors) or, worse, start without its signal handlers and ignore SIGTERM.
public enum DescriptorHeadroom {
    /// Open in an idle proxy whatever its loops: the standard streams, the log, the journal and its
    /// lock, the control socket's lock, the two listening sockets, libdispatch's pipes and the
    /// three signal descriptors, the control API's loop. Counted in `/proc/PID/fd`.
    static let fixed = 19
    /// Each event loop's epoll, eventfd and timerfd.
    static let perLoop = 3
    /// For what start-up opens in passing (files it reads, its first probes) and one client with
    /// its connection to a replica.
    static let spare = 16

    /// The fewest descriptors a proxy with `eventLoops` loops starts and serves with.
    public static func required(eventLoops: Int) -> Int {
        fixed + perLoop * eventLoops + spare
    }

    /// The process's descriptor limit (the soft one, which `ulimit -n` sets), or nil when unknown.
    public static func currentLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        // No limit (or a huge one) still gets a bound.
        return Int(min(UInt64(limit.rlim_cur), 2_000_000))
    }

    /// Why a proxy with `eventLoops` loops cannot start under `limit` descriptors, or nil when it can.
    public static func problem(limit: Int?, eventLoops: Int) -> String? {
        let needed = required(eventLoops: eventLoops)
        guard let limit, limit < needed else { return nil }
        let loops = "\(eventLoops) event loop\(eventLoops == 1 ? "" : "s")"
        return "the descriptor limit (ulimit -n) is \(limit), below the \(needed) routertop needs to start with \(loops); raise it or run fewer loops (--event-loops)"
    }
}
