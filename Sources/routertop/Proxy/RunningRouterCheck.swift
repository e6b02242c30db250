import Foundation
import NIOPosix
import RouterAttach
import RouterControlServer
import RouterEngine

/// Proxy mode started again while its router runs: when the running router was started with other
/// flags, say which, and ask whether to attach anyway or to stop it and start one with this command.
enum RunningRouterCheck {
    enum Answer: Equatable {
        case attach
        case replace
        case quit
    }

    /// The running router's pid and how its command line differs from this one; nil when it routes
    /// as this command would (or cannot say how it was started).
    static func difference(at path: String) -> (pid: Int32?, difference: CommandLineDifference)? {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let client = ControlClient(target: .unixSocket(path: path), group: group)
        guard let answer = try? client.send(method: "GET", target: "/v1/snapshot").wait(), answer.status == 200,
              let snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(answer.body)),
              let running = snapshot.router.arguments else { return nil }
        let here = Array(CommandLine.arguments.dropFirst())
        return CommandLineDifference.between(here, running: running).map { (snapshot.router.pid, $0) }
    }

    /// The question, on the terminal; without one, exit 2 naming the differences.
    static func ask(path: String, pid: Int32?, difference: CommandLineDifference) -> Answer {
        let who = "the router at \(path)" + (pid.map { " (pid \($0))" } ?? "")
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            failStartup("\(who) runs with other flags: \(difference.description); attach to it with the same "
                + "command, or stop it first (routertop attach, then q and s)")
        }
        write("routertop: \(who) runs with other flags: \(difference.description).\n"
            + "  a  attach to it anyway (it keeps its flags)\n"
            + "  s  stop it (what is in flight finishes) and start a new one with this command\n"
            + "  q  quit, changing nothing\n")
        while true {
            write("a, s or q? ")
            guard let line = readLine() else { return .quit }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "a": return .attach
            case "s": return .replace
            case "q", "": return .quit
            default: continue
            }
        }
    }

    /// Unbuffered, so the question shows before the answer is read.
    private static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Asks the running router to stop and waits until its socket is free; false when it did not
    /// stop within `limit`.
    static func stop(at path: String, within limit: Duration) -> Bool {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let client = ControlClient(target: .unixSocket(path: path), group: group)
        guard let answer = try? client.send(method: "POST", target: "/v1/stop").wait(), answer.status == 200 else {
            return false
        }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if ControlSocketGuard.occupant(of: path) != .live { return true }
            usleep(20_000)
        }
        return false
    }
}
