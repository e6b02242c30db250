import RouterAPI

/// Routing tasks in backoff with a countdown each, the tasks waiting on probes with the replica and
/// the probe's age, then the attempts distribution.
///
/// Countdowns come from the snapshot's time and each task's wake-up time, never from the frame
/// count, so they stay right at any refresh interval and while paused.
enum BackoffTimersView {
    /// `scroll` held within the waiting tasks listed in `rect`: the last task at the foot at most.
    static func clampedScroll(_ scroll: Int, snapshot: RouterSnapshot, in rect: Rect) -> Int {
        Rows(snapshot: snapshot, panel: rect)?.clamped(scroll) ?? scroll
    }

    static func draw(
        _ canvas: inout Canvas, in rect: Rect, snapshot: RouterSnapshot, scroll: Int, focused: Bool
    ) {
        guard rect.height > 0, rect.width > 0 else { return }
        let retries = snapshot.retries
        // A short title, so no figure hides behind the panel's edge; the totals get a line of their own.
        let title = "Tasks: backoff \(snapshot.backoffTimers.count)" + canvas.glyphs.separator
            + "probing \(snapshot.tasksProbing)"
        canvas.rule(title, in: rect, role: .panelBorder, titleRole: focused ? .panelTitle : .tableHeader)
        guard rect.height > 1 else { return }
        var totals = SegmentLine()
        totals.add(0, ("failed attempts ", .tableDim), (Format.count(retries.failedAttempts), .tableRow))
        totals.add(1, ("reroutes ", .tableDim), (Format.count(retries.reroutes), .tableRow))
        totals.add(2, ("warnings ", .tableDim), (Format.count(retries.warnings), .tableRow))
        totals.add(3, ("sleeps ", .tableDim), (Format.count(retries.backoffSleeps), .tableRow))
        totals.draw(&canvas, in: Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 1, height: 1), row: 0)
        guard let rows = Rows(snapshot: snapshot, panel: rect) else { return }
        drawTasks(&canvas, rows, snapshot: snapshot, scroll: rows.clamped(scroll))
    }

    /// The panel's rows below its title: the totals, the waiting tasks, then the attempts distribution.
    private struct Rows {
        /// The panel below its title (the totals take its first row).
        let rect: Rect
        let timers: [Waiting]
        let buckets: [AttemptBucket]
        let timerRows: Int
        let distributionRows: Int

        /// Nil when the panel has no row for tasks.
        init?(snapshot: RouterSnapshot, panel: Rect) {
            guard panel.height > 1, panel.width > 0 else { return nil }
            rect = Rect(x: panel.x, y: panel.y + 1, width: panel.width, height: panel.height - 1)
            let content = rect.height - 1
            guard content > 0 else { return nil }
            let probing = snapshot.probeWaits
            // A task probing now is listed with the replica it waits on, not twice.
            let probingTasks = Set(probing.map(\.taskID))
            let sleeping = snapshot.backoffTimers.filter { $0.wakeAt != nil || !probingTasks.contains($0.taskID) }
            buckets = snapshot.attemptsHistogram.filter { $0.requests > 0 }.sorted { $0.attempts < $1.attempts }
            if content >= 6, buckets.count > 1 {
                distributionRows = min(buckets.count + 1, content / 2)
            } else {
                distributionRows = content >= 2 ? 1 : 0
            }
            timers = sleeping.map(Waiting.sleeping) + probing.map(Waiting.probing)
            timerRows = content - distributionRows
        }

        /// `scroll` held so the last task is at the foot at most.
        func clamped(_ scroll: Int) -> Int { min(scroll, max(timers.count - timerRows, 0)) }
    }

    private static func drawTasks(_ canvas: inout Canvas, _ rows: Rows, snapshot: RouterSnapshot, scroll: Int) {
        let rect = rows.rect, timers = rows.timers, timerRows = rows.timerRows
        if timers.isEmpty, timerRows > 0 {
            canvas.put("no routing task is in backoff or waiting on a probe", in: rect, row: 1, column: 1,
                       role: .tableDim)
        }
        for row in 0..<max(timerRows, 0) {
            let index = scroll + row
            guard index < timers.count else { break }
            let isLastRow = row == timerRows - 1 && index < timers.count - 1
            if isLastRow {
                canvas.put("+\(timers.count - index) more (Tab, then arrows to scroll)", in: rect, row: 1 + row,
                           column: 1, role: .tableDim)
                break
            }
            let y = rect.y + 1 + row
            switch timers[index] {
            case .sleeping(let timer):
                drawTimer(&canvas, timer, now: snapshot.time, x: rect.x, y: y, width: rect.width)
            case .probing(let wait):
                drawProbeWait(&canvas, wait, now: snapshot.time, x: rect.x, y: y, width: rect.width)
            }
        }
        if rows.distributionRows > 0 {
            // The distribution follows the timers closely instead of sitting at the panel's foot.
            let used = max(min(timers.count - scroll, timerRows), 1)
            let gap = timerRows - used > 0 ? 1 : 0
            drawDistribution(&canvas, rows.buckets, in: rect, firstRow: 1 + used + gap, rows: rows.distributionRows)
        }
    }

    private enum Waiting {
        case sleeping(BackoffTimerSnapshot)
        case probing(ProbeWaitSnapshot)
    }

    private static func drawProbeWait(
        _ canvas: inout Canvas, _ wait: ProbeWaitSnapshot, now: EngineTime, x: Int, y: Int, width: Int
    ) {
        let request = wait.requestID.map(\.description) ?? "task-\(wait.taskID)"
        let age = Format.duration(now - wait.probeSentAt, micro: "us")
        let text = request.padding(11) + " probing " + wait.replica.rawValue + " for " + age
        canvas.put(text, x: x + 1, y: y, role: .backoffProbing, maxWidth: max(width - 1, 0))
    }

    private static func drawTimer(
        _ canvas: inout Canvas, _ timer: BackoffTimerSnapshot, now: EngineTime, x: Int, y: Int, width: Int
    ) {
        var column = x + 1
        let right = x + width
        func put(_ text: String, _ role: StyleRole, width: Int) {
            guard column < right else { return }
            canvas.put(text, x: column, y: y, role: role, maxWidth: min(width, right - column))
            column += width + 1
        }
        let request = timer.requestID.map(\.description) ?? "task-\(timer.taskID)"
        put(request, .backoffRequest, width: 11)
        put("#\(timer.failedAttempts + 1)", .backoffAttempt, width: 4)
        let waitRole: StyleRole = timer.wait == .zero ? .backoffImmediate : .backoffWait
        put("wait " + Format.duration(timer.wait, micro: "us"), waitRole, width: 11)
        guard let wakeAt = timer.wakeAt else {
            put("probing", .backoffProbing, width: 8)
            put(Format.duration(now - timer.inBackoffSince, micro: "us") + " in backoff", .tableDim, width: 20)
            return
        }
        let remaining = max(wakeAt - now, .zero)
        let total = timer.wait > .zero ? timer.wait : remaining
        let fraction = total > .zero ? remaining.secondsValue / total.secondsValue : 0
        // A fixed slot for the time left keeps the bars of every line the same width.
        let leftWidth = 11
        let barWidth = min(max(right - column - leftWidth - 1, 0), 20)
        if barWidth >= 3 {
            Bar.draw(&canvas, x: column, y: y, width: barWidth, fraction: fraction,
                     role: .backoffCountdown, emptyRole: .backoffElapsed)
            column += barWidth + 1
        }
        let leftText = Format.duration(remaining, micro: "us") + " left"
        canvas.putRight(leftText, right: min(column + leftWidth, right), y: y,
                        width: min(leftWidth, max(right - column, 0)),
                        role: .backoffCountdown)
    }

    private static func drawDistribution(
        _ canvas: inout Canvas, _ buckets: [AttemptBucket], in rect: Rect, firstRow: Int, rows: Int
    ) {
        guard rows > 0 else { return }
        if buckets.isEmpty {
            canvas.put("attempts per request: none assigned yet", in: rect, row: firstRow, column: 1, role: .histogramLabel)
            return
        }
        if rows == 1 {
            var line = "attempts per request:"
            for bucket in buckets { line += " \(bucket.attempts):\(Format.count(bucket.requests))" }
            canvas.put(line, in: rect, row: firstRow, column: 1, role: .histogramLabel)
            return
        }
        canvas.put("attempts per request", in: rect, row: firstRow, column: 1, role: .histogramLabel)
        let lines = rows - 1
        // The last line gathers every bucket that does not get a line of its own.
        var shown: [(label: String, requests: Int)] = []
        for (index, bucket) in buckets.enumerated() {
            if index < lines - 1 || buckets.count <= lines {
                shown.append((String(bucket.attempts), bucket.requests))
            } else {
                let rest = buckets[index...].reduce(0) { $0 + $1.requests }
                shown.append((canvas.glyphs.ascii ? ">=\(bucket.attempts)" : "≥\(bucket.attempts)", rest))
                break
            }
        }
        let top = max(shown.map(\.requests).max() ?? 1, 1)
        for (offset, entry) in shown.enumerated() {
            let y = rect.y + firstRow + 1 + offset
            let label = entry.label
            canvas.putRight(label, right: rect.x + 5, y: y, width: 4, role: .histogramLabel)
            let count = Format.count(entry.requests)
            let barWidth = max(rect.width - 8 - count.count, 0)
            Bar.draw(&canvas, x: rect.x + 6, y: y, width: barWidth, fraction: Double(entry.requests) / Double(top),
                     role: .histogramBar, emptyRole: .normal, blankEmpty: true)
            let countX = rect.x + 7 + barWidth
            canvas.put(count, x: countX, y: y, role: .histogramLabel, maxWidth: rect.maxX - countX)
        }
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
