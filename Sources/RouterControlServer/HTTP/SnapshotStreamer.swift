import Foundation
import NIOCore
import NIOHTTP1
import RouterAPI

/// Writes the router's latest snapshot as one JSON line every interval, on one connection.
///
/// Bounded: a snapshot is written only when the connection can take it; when the client reads
/// too slowly, that tick's snapshot is skipped and counted, so at most one snapshot waits in
/// the connection's buffer.
final class SnapshotStreamer: Sendable {
    private let control: any RouterControl
    private let channel: any Channel
    private let interval: Duration
    private let metrics: RouterMetrics?
    private let task: NIOLoopBoundBox<RepeatedTask?>
    /// Snapshots skipped because the client had not read the last one yet.
    let skipped: NIOLoopBoundBox<Int>
    /// Full snapshots, summaries or deltas; a summary or delta has only what changed since the
    /// line before (`sent` or `deltaSent`).
    private let view: SnapshotView
    private let sent: NIOLoopBoundBox<SummaryMark>
    private let deltaSent: NIOLoopBoundBox<DeltaMark>

    init(control: any RouterControl, channel: any Channel, interval: Duration, metrics: RouterMetrics?,
         view: SnapshotView = .full) {
        self.control = control
        self.channel = channel
        self.interval = interval
        self.metrics = metrics
        self.view = view
        self.sent = NIOLoopBoundBox(SummaryMark(), eventLoop: channel.eventLoop)
        self.deltaSent = NIOLoopBoundBox(DeltaMark(), eventLoop: channel.eventLoop)
        self.task = NIOLoopBoundBox(nil, eventLoop: channel.eventLoop)
        self.skipped = NIOLoopBoundBox(0, eventLoop: channel.eventLoop)
    }

    func start() {
        let amount = TimeAmount.nanoseconds(interval.nanosecondsClamped)
        task.value = channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: amount) { [self] _ in
            tick()
        }
    }

    func stop() {
        task.value?.cancel()
        task.value = nil
    }

    private func tick() {
        guard channel.isActive else { return stop() }
        guard channel.isWritable else {
            skipped.value += 1
            metrics?.snapshotSkipped()
            return
        }
        var snapshot = control.latestSnapshot()
        // Only a line that is written moves the mark: a skipped tick's changes come with the next.
        switch view {
        case .full: break
        case .summary: (snapshot, sent.value) = snapshot.summary(after: sent.value)
        case .delta: (snapshot, deltaSent.value) = snapshot.delta(after: deltaSent.value)
        }
        guard var line = try? JSONEncoder().encode(snapshot) else { return }
        line.append(UInt8(ascii: "\n"))
        let part = HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: line)))
        channel.writeAndFlush(part, promise: nil)
    }
}
