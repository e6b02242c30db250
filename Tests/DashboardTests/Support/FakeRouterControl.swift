import Dashboard
import RouterEngine
import Synchronization

/// A router stand-in: returns the snapshot a test built, records every command, answers each
/// with a fixed result.
final class FakeRouterControl: RouterControl {
    private struct State {
        var snapshot: RouterSnapshot
        var commands: [(RouterCommand, CommandOrigin)] = []
        var reply: CommandResult = .done("")
        var connection: ConnectionState = .inProcess
        var traces = RequestTraceLog(capacity: 1000, evicted: 0, traces: [])
    }

    private let state: Mutex<State>

    init(_ snapshot: RouterSnapshot) {
        state = Mutex(State(snapshot: snapshot))
    }

    var commands: [RouterCommand] { state.withLock { $0.commands.map(\.0) } }
    var origins: [CommandOrigin] { state.withLock { $0.commands.map(\.1) } }

    func setSnapshot(_ snapshot: RouterSnapshot) { state.withLock { $0.snapshot = snapshot } }
    func setReply(_ reply: CommandResult) { state.withLock { $0.reply = reply } }

    func latestSnapshot() -> RouterSnapshot { state.withLock { $0.snapshot } }

    func setTraces(_ traces: [RequestTrace]) { state.withLock { $0.traces.traces = traces } }

    func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        completion(state.withLock { $0.traces })
    }

    var connection: ConnectionState { state.withLock { $0.connection } }
    func setConnection(_ connection: ConnectionState) { state.withLock { $0.connection = connection } }

    func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
        let reply = state.withLock { state -> CommandResult in
            state.commands.append((command, origin))
            return state.reply
        }
        completion(reply)
    }
}
