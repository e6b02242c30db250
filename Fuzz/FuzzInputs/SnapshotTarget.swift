import Dashboard
import Foundation
import RouterAPI
import RouterAttach

/// What `routertop attach` does with a snapshot line from the wire: decode it, check its numbers,
/// and draw the dashboard of one it accepts at two terminal sizes.
enum SnapshotTarget {
    /// A router in another process whose snapshot is the input.
    private final class WireControl: RouterControl {
        let snapshot: RouterSnapshot
        init(_ snapshot: RouterSnapshot) { self.snapshot = snapshot }
        func latestSnapshot() -> RouterSnapshot { snapshot }
        var connection: ConnectionState { .connected(address: "fuzz") }
        func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
            completion(.refused("fuzz"))
        }
        func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
            completion(.failure(JournalWriteError("fuzz")))
        }
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(bytes)),
              SnapshotBounds.problem(in: snapshot) == nil else { return }
        let dashboard = DashboardController(control: WireControl(snapshot), configuration: DashboardConfiguration(refreshMilliseconds: 500),
                                            theme: .plain)
        _ = dashboard.render(size: TerminalSize(columns: 120, rows: 40))
        _ = dashboard.render(size: TerminalSize(columns: 60, rows: 20))
    }
}
