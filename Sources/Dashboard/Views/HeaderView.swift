import RouterAPI

/// The header: what the router is doing now, and the live backoff parameters.
enum HeaderView {
    static func draw(
        _ canvas: inout Canvas, in rect: Rect, snapshot: RouterSnapshot, paused: Bool, readOnly: Bool,
        refreshMilliseconds: Int, themeName: String, connection: (text: String, stale: Bool) = ("", false)
    ) {
        canvas.fill(rect, role: .headerLabel)
        var first = SegmentLine()
        first.add(0, ("routertop", .headerTitle))
        if paused { first.add(0, (" PAUSED ", .headerPaused)) }
        if readOnly { first.add(0, (" READ-ONLY ", .bannerReadOnly)) }
        if !connection.text.isEmpty {
            first.add(0, (" " + connection.text + " ", connection.stale ? .headerPaused : .headerValue))
        }
        if let trial = snapshot.trial { first.add(0, (" " + trial.headerText + " ", .headerPaused)) }
        first.add(3, (snapshot.mode.description, .headerValue))
        first.add(5, ("up ", .headerLabel), (Format.clock(snapshot.time.seconds), .headerValue))
        first.add(1, ("in ", .headerLabel), (Format.rate(snapshot.rateIn), .headerValue),
                  (" out ", .headerLabel), (Format.rate(snapshot.rateOut), .headerValue))
        first.add(1, ("pending ", .headerLabel), (Format.count(snapshot.totals.pending), .headerValue))
        first.add(2, ("tasks ", .headerLabel),
                  ("\(snapshot.routingTasks)/\(snapshot.maxRoutingTasks)", .headerValue))
        first.add(2, ("in backoff ", .headerLabel), (String(snapshot.tasksInBackoff), .backoffWait))
        first.add(4, ("fulfil p50 ", .headerLabel), (Format.duration(snapshot.fulfillment.p50), .headerValue),
                  (" p99 ", .headerLabel), (Format.duration(snapshot.fulfillment.p99), .headerValue))
        if let models = snapshot.models, models.requestRate > 0 || models.hits + models.misses > 0 {
            first.add(3, ("models hit ", .headerLabel), (ModelsText.hitRate(models.hitRate), .headerValue),
                      (" loads ", .headerLabel), (Format.rate(models.loadRate), .headerValue))
        }
        first.draw(&canvas, in: rect, row: 0)

        guard rect.height >= 2 else { return }
        let live = snapshot.settings, start = snapshot.startupSettings
        func value(_ key: RouterSettingKey, _ text: String) -> (String, StyleRole) {
            live[key] == start[key] ? (text, .headerValue) : (text + canvas.glyphs.changedMark, .headerChanged)
        }
        var second = SegmentLine()
        second.add(0, ("backoff ", .headerLabel),
                   value(.initialBackoff, Format.setting(live.initialBackoff) + "s"),
                   (" " + canvas.glyphs.times, .headerLabel),
                   value(.backoffMultiplier, Format.setting(live.backoffMultiplier)),
                   (" max ", .headerLabel), value(.maxBackoff, Format.setting(live.maxBackoff) + "s"))
        if snapshot.legacyBackoff { second.add(0, ("legacy: first retry sleeps", .headerChanged)) }
        second.add(1, ("probe ", .headerLabel), value(.probeDeadline, Format.setting(live.probeDeadline) + "s"),
                   (" max ", .headerLabel), value(.maxProbeDeadline, Format.setting(live.maxProbeDeadline) + "s"))
        second.add(2, ("cache TTL ", .headerLabel), value(.cacheTimeout, Format.setting(live.cacheTimeout) + "s"))
        if snapshot.settingsChanged { second.add(1, ("* changed since start", .headerChanged)) }
        if let simulation = snapshot.simulation {
            second.add(1, ("load ", .headerLabel), (Format.rate(simulation.requestsPerSecond), .headerValue))
        }
        if let proxy = snapshot.proxy { addProxyFigures(proxy, to: &second) }
        second.add(4, ("refresh ", .headerLabel), ("\(refreshMilliseconds)ms", .headerValue))
        second.add(5, ("theme ", .headerLabel), (themeName, .headerValue))
        second.draw(&canvas, in: rect, row: 1)
    }

    /// The front door's limits, and what was refused or closed at them (only when something was).
    private static func addProxyFigures(_ proxy: ProxyFigures, to line: inout SegmentLine) {
        line.add(3, ("conns ", .headerLabel),
                 ("\(Format.count(proxy.connections))/\(Format.count(proxy.maxConnections))", .headerValue))
        line.add(3, ("timeouts head ", .headerLabel), (Format.duration(proxy.headerTimeout), .headerValue),
                 (" idle ", .headerLabel), (Format.duration(proxy.idleTimeout), .headerValue))
        line.add(3, ("bodies ", .headerLabel),
                 ("\(mebibytes(proxy.bodyBytesReserved))/\(mebibytes(proxy.bodyBytesLimit))", .headerValue))
        let atLimits: [(String, Int)] = [
            ("conn refused ", proxy.refusedConnections), ("head timeouts ", proxy.headerTimeouts),
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
