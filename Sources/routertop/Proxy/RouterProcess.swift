import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts this program again as a headless router in a session of its own, so the terminal's
/// hang-up, `^Z` or a crash of the screen never reaches the process that routes.
enum RouterProcess {
    /// Spawns `routertop ARGUMENTS` with standard input from /dev/null and its output appended to
    /// `logPath`; returns its pid or why it could not start.
    static func spawn(arguments: [String], logPath: String) -> Result<pid_t, ProcessStartError> {
        guard let executable = currentExecutable() else { return .failure(ProcessStartError(message: "cannot find the routertop executable")) }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // A new session: no controlling terminal, so SIGHUP and job-control signals stay with the screen.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGHUP, SIGINT, SIGTERM, SIGTSTP, SIGPIPE] { sigaddset(&defaults, number) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        #if os(Linux)
        let setsid: Int32 = 0x80 // POSIX_SPAWN_SETSID, hidden by Glibc without _GNU_SOURCE
        #else
        let setsid = Int32(POSIX_SPAWN_SETSID)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | setsid))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            return .failure(ProcessStartError(message: "cannot start the router process (\(String(cString: strerror(status))))"))
        }
        return .success(pid)
    }

    /// The exit status of `pid` if it has ended, without waiting.
    static func exitStatus(of pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    private static func currentExecutable() -> String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 { return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        #endif
        return Bundle.main.executablePath
    }
}

/// Why the router process could not be started.
struct ProcessStartError: Error {
    var message: String
}
