import RouterAPI

/// The header: what the router is doing now, and the live backoff parameters.
enum HeaderView {
    static func draw(
        _ canvas: inout Canvas, in rect: Rect, snapshot: RouterSnapshot, paused: Bool, readOnly: Bool,
        refreshMilliseconds: Int, themeName: String, connection: (text: String, stale: Bool, stopped: Bool) = ("", false, false)
    ) {
        canvas.fill(rect, role: .headerLabel)
        var first = SegmentLine()
        first.add(0, ("routertop", .headerTitle))
        if paused { first.add(0, (" PAUSED ", .headerPaused)) }
        if readOnly { first.add(0, (" READ-ONLY ", .bannerReadOnly)) }
        if connection.stale {
            // A lost or stale connection is news: it leads the line. "connected", the normal
            // case, goes with the mode on the second line and leaves this one to the figures.
            first.add(0, (" " + connection.text + " ", connection.stopped ? .headerAlarm : .headerPaused))
        }
        if let trial = snapshot.trial { first.add(0, (" " + trial.headerText + " ", .headerPaused)) }
        if let observer = snapshot.observer {
            // The bridge's own health is news like a lost connection: the figures may not be live.
            if observer.loopStalled { first.add(0, (" router loop stalled ", .headerPaused)) }
            if observer.hookErrors > 0 { first.add(1, (" bridge errors \(observer.hookErrors) ", .headerPaused)) }
        }
        addActivity(snapshot, to: &first)
        if let models = snapshot.models, models.requestRate > 0 || models.hits + models.misses > 0 {
            // The last seconds' hit rate: one since start hides a change for minutes.
            first.add(3, ("models hit ", .headerLabel), (ModelsText.hitRate(models.recentHitRate), .headerValue),
                      ("/\(models.recentSeconds)s", .headerLabel),
                      (" loads ", .headerLabel), (Format.rate(models.loadRate), .headerValue))
        }
        first.draw(&canvas, in: rect, row: 0)

        guard rect.height >= 2 else { return }
        let live = snapshot.settings, start = snapshot.startupSettings
        func changed(_ key: RouterSettingKey) -> Bool { live[key] != start[key] }
        func value(_ key: RouterSettingKey, _ text: String) -> (String, StyleRole) {
            changed(key) ? (text + canvas.glyphs.changedMark, .headerChanged) : (text, .headerValue)
        }
        // A figure holding a changed setting outranks every unchanged one: it is dropped last.
        func rank(_ keys: RouterSettingKey..., otherwise priority: Int) -> Int {
            keys.contains(where: changed) ? Self.changedSettingPriority : priority
        }
        var second = SegmentLine()
        addFailures(snapshot.totals, to: &second)
        // The mode and the connection keep their place at every width: which router this is.
        let reached = connection.stale || connection.text.isEmpty ? "" : ", " + connection.text
        second.add(0, (snapshot.mode.description + reached, .headerValue))
        second.add(rank(.initialBackoff, .backoffMultiplier, .maxBackoff, otherwise: 3), ("backoff ", .headerLabel),
                   value(.initialBackoff, Format.setting(live.initialBackoff) + "s"),
                   (" " + canvas.glyphs.times, .headerLabel),
                   value(.backoffMultiplier, Format.setting(live.backoffMultiplier)),
                   (" max ", .headerLabel), value(.maxBackoff, Format.setting(live.maxBackoff) + "s"))
        if snapshot.legacyBackoff { second.add(0, ("legacy: first retry sleeps", .headerChanged)) }
        second.add(rank(.probeDeadline, .maxProbeDeadline, otherwise: 4),
                   ("probe ", .headerLabel), value(.probeDeadline, Format.setting(live.probeDeadline) + "s"),
                   (" max ", .headerLabel), value(.maxProbeDeadline, Format.setting(live.maxProbeDeadline) + "s"))
        second.add(rank(.cacheTimeout, otherwise: 4),
                   ("cache TTL ", .headerLabel), value(.cacheTimeout, Format.setting(live.cacheTimeout) + "s"))
        if changed(.modelMatchingTimeout) {
            second.add(Self.changedSettingPriority, ("model match ", .headerLabel),
                       value(.modelMatchingTimeout, Format.setting(live.modelMatchingTimeout) + "s"))
        }
        // The marked figures say what changed; the words only explain the mark when there is room.
        if snapshot.settingsChanged { second.add(5, ("* changed since start", .headerChanged)) }
        if let simulation = snapshot.simulation {
            second.add(2, ("load ", .headerLabel), (Format.rate(simulation.requestsPerSecond), .headerValue))
        }
        if let proxy = snapshot.proxy { addProxyFigures(proxy, to: &second) }
        second.add(5, ("refresh ", .headerLabel), ("\(refreshMilliseconds)ms", .headerValue))
        second.add(6, ("theme ", .headerLabel), (themeName, .headerValue))
        second.draw(&canvas, in: rect, row: 1)
    }

    /// The priority of a figure holding a setting that differs from its start value: above every
    /// figure but the failures total, the mode and the connection.
    static let changedSettingPriority = 1

    /// The first line's figures, by priority: fulfilment stays longest (the headline figure), then
    /// the rates, pending and tasks; uptime goes first when the line is short.
    private static func addActivity(_ snapshot: RouterSnapshot, to line: inout SegmentLine) {
        line.add(0, ("fulfil p50 ", .headerLabel), (Format.duration(snapshot.fulfillment.p50), .headerValue),
                 (" p99 ", .headerLabel), (Format.duration(snapshot.fulfillment.p99), .headerValue))
        line.add(1, ("in ", .headerLabel), (Format.rate(snapshot.rateIn), .headerValue),
                 (" out ", .headerLabel), (Format.rate(snapshot.rateOut), .headerValue),
                 (" fail ", .headerLabel),
                 (Format.rate(snapshot.rateFailed), snapshot.rateFailed > 0 ? .headerChanged : .headerValue))
        line.add(2, ("pending ", .headerLabel), (Format.count(snapshot.totals.pending), .headerValue))
        line.add(3, ("tasks ", .headerLabel),
                 ("\(snapshot.routingTasks)/\(snapshot.maxRoutingTasks)", .headerValue),
                 (" (probing ", .headerLabel), (String(snapshot.tasksProbing), .headerValue),
                 (", backoff ", .headerLabel), (String(snapshot.tasksInBackoff), .backoffWait), (")", .headerLabel))
        line.add(5, ("up ", .headerLabel), (Format.clock(snapshot.time.seconds), .headerValue))
    }

    /// Failures since start: the total stays on the line; each reason is its own figure, dropped
    /// after the unchanged settings when the line is short.
    private static func addFailures(_ totals: RequestTotals, to line: inout SegmentLine) {
        let total = totals.failedTotal
        line.add(0, ("failed ", .headerLabel), (Format.count(total), total > 0 ? .headerChanged : .headerValue))
        for reason in FailureReason.headerOrder {
            guard let count = totals.failed[reason], count > 0 else { continue }
            line.add(2, (reason.headerLabel + " ", .headerLabel), (Format.count(count), .headerChanged))
        }
    }

    /// What each header figure means, for the help's legend.
    static let legend: [(label: String, meaning: String)] = [
        ("fulfil p50/p99", "admission to replica assignment, recent window"),
        ("in/out/fail", "admitted, completed, failed per second (last 5 s)"),
        ("pending", "requests waiting for a replica"),
        ("tasks N/max", "routing tasks running / the most allowed"),
        ("probing, backoff", "first tries on probes / tasks retrying after a failure"),
        ("up", "time since the router started"),
        ("failed", "failed requests since start, by reason:"),
        ("  shed", "refused at once, the pending queue was full (503)"),
        ("  rtmo", "routing timeout: no replica found in time (503)"),
        ("  err", "replica error: the replica failed it (502)"),
        ("  reqtmo", "took longer than the request timeout (504)"),
        ("  cancel", "the client gave up"),
        ("backoff × max", "first backoff wait, multiplier, longest wait"),
        ("probe max", "probe deadline: first, and longest after doubling"),
        ("cache TTL", "how long a probed queue length is trusted"),
        ("load", "simulated arrivals per second (+ -)"),
        ("conns, bodies", "proxy: client connections, body budget in use"),
    ]

    /// The front door's limits, and what was refused or closed at them (only when something was).
    private static func addProxyFigures(_ proxy: ProxyFigures, to line: inout SegmentLine) {
        line.add(3, ("conns ", .headerLabel),
                 ("\(Format.count(proxy.connections))/\(Format.count(proxy.maxConnections))", .headerValue))
        line.add(3, ("timeouts head ", .headerLabel), (Format.duration(proxy.headerTimeout), .headerValue),
                 (" idle ", .headerLabel), (Format.duration(proxy.idleTimeout), .headerValue))
        line.add(3, ("bodies ", .headerLabel),
                 ("\(mebibytes(proxy.bodyBytesReserved))/\(mebibytes(proxy.bodyBytesLimit))", .headerValue))
        let atLimits: [(String, Int)] = [
            ("conn refused ", proxy.refusedConnections), ("accept paused ", proxy.acceptPauses),
            ("head timeouts ", proxy.headerTimeouts),
            ("idle closed ", proxy.idleTimeouts), ("body 503 ", proxy.bodyBudgetRefusals),
            ("bad requests ", proxy.malformedRequests), ("CONNECT 405 ", proxy.connectRefusals),
        ]
        for (label, count) in atLimits where count > 0 {
            line.add(3, (label, .headerLabel), (Format.count(count), .headerChanged))
        }
    }

    private static func mebibytes(_ bytes: Int) -> String {
        if bytes == 0 { return "0" }
        if bytes < 1 << 20 { return "\(max(1, bytes >> 10))K" }
        return "\(bytes >> 20)M"
    }
}

extension FailureReason {
    /// The reasons in the order the header shows them.
    static let headerOrder: [FailureReason] = [.shed, .routingTimeout, .replicaError, .requestTimeout, .cancelled]

    var headerLabel: String {
        switch self {
        case .shed: "shed"
        case .routingTimeout: "rtmo"
        case .replicaError: "err"
        case .requestTimeout: "reqtmo"
        case .cancelled: "cancel"
        }
    }
}
