#if canImport(Glibc)
import Glibc
#endif

/// Makes every thread of the process allocate from glibc's main heap.
///
/// A thread's own arena grows its heap one page at a time, each an `mprotect` call and a page
/// fault: the busy event loop made about one such call for every two requests it proxied (strace,
/// while memory grew). The main heap grows with `brk`, 128 KiB at a time. Call it before the
/// event loop's thread starts; the process has few threads, so sharing one heap costs nothing.
enum MainHeapOnly {
    static func apply() {
        #if canImport(Glibc)
        // glibc's `mallopt(M_ARENA_MAX, 1)`; the Glibc module does not export malloc.h.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 1)
        #endif
    }
}
