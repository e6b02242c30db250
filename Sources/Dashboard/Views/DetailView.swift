import RouterAPI

/// One replica in full: every figure, its rate history across the width, and its events.
enum DetailView {
    static func draw(
        _ canvas: inout Canvas, in rect: Rect, snapshot: RouterSnapshot, id: ReplicaID, position: Int?, count: Int,
        events: [RouterEvent], utc: Bool = false, recent: RecentRequests? = nil
    ) {
        guard rect.height > 0 else { return }
        let place = position.map { " (\($0 + 1) of \(count))" } ?? ""
        canvas.rule("Replica \(id)\(place)", in: rect)
        guard let replica = snapshot.replicas.first(where: { $0.id == id }) else {
            canvas.put("\(id) is no longer in the router; Esc goes back", in: rect, row: 1, column: 1, role: .statusRefused)
            return
        }
        var row = 1
        func line(_ parts: [(String, StyleRole)]) {
            guard row < rect.height else { return }
            var column = 1
            for (text, role) in parts {
                column += canvas.put(text, in: rect, row: row, column: column, role: role)
            }
            row += 1
        }
        let stateRole = ReplicaTableView.stateRole(replica.state)
        line([("node ", .headerLabel), (replica.node, .headerValue),
              ("  zone ", .headerLabel), (replica.zone, .headerValue),
              ("  state ", .headerLabel), (replica.state.rawValue, stateRole),
              ("  fault ", .headerLabel), (replica.fault ?? "none", replica.fault == nil ? .tableDim : .stateFault)])
        if row < rect.height {
            let fraction = Double(replica.queueLength) / Double(max(replica.maxOngoingRequests, 1))
            let queueRole = ReplicaTableView.queueRole(fraction)
            let y = rect.y + row
            canvas.put("queue ", x: rect.x + 1, y: y, role: .headerLabel)
            Bar.draw(&canvas, x: rect.x + 7, y: y, width: 20, fraction: fraction, role: queueRole, emptyRole: .queueEmpty)
            var text = " \(replica.queueLength)/\(replica.maxOngoingRequests) from \(replica.queueSource.rawValue)"
            if let age = replica.cacheAge { text += ", cache age " + Format.duration(age) }
            canvas.put(text, x: rect.x + 27, y: y, role: queueRole, maxWidth: rect.maxX - rect.x - 27)
            row += 1
        }
        line([("in flight ", .headerLabel), (String(replica.inFlight), .headerValue),
              ("  routed ", .headerLabel), (String(replica.routed), .headerValue),
              ("  completed ", .headerLabel), (String(replica.completed), .headerValue),
              ("  refused ", .headerLabel), (String(replica.rejected), .headerValue),
              ("  full answers ", .headerLabel), (String(replica.fullAnswers), .headerValue)])
        line([("upstream errors ", .headerLabel), (String(replica.errors), .headerValue),
              ("  last ", .headerLabel), (replica.lastError ?? "-", .headerValue)])
        line([("probe timeouts ", .headerLabel), (String(replica.probeTimeouts), .headerValue),
              ("  retries attributed ", .headerLabel), (String(replica.retriesAttributed), .headerValue),
              ("  probe RTT ", .headerLabel), (Format.duration(replica.probeRTT), .headerValue)])
        line([("request p50 ", .headerLabel), (Format.duration(replica.latencyP50), .headerValue),
              ("  p99 ", .headerLabel), (Format.duration(replica.latencyP99), .headerValue),
              ("  rate ", .headerLabel), (Format.rate(replica.rate), .headerValue),
              ("  max ongoing ", .headerLabel), (String(replica.maxOngoingRequests), .headerValue)])
        if let models = replica.models {
            line([("models ", .headerLabel), (ModelsText.list(models, matchingTimeout: snapshot.settings.modelMatchingTimeout), .headerValue)])
        }
        if row + 1 < rect.height {
            canvas.put("rate, one value a second (last \(min(replica.rateHistory.count, rect.width - 2))s)",
                       in: rect, row: row, column: 1, role: .headerLabel)
            Sparkline.draw(&canvas, x: rect.x + 1, y: rect.y + row + 1, width: rect.width - 2,
                           values: replica.rateHistory, role: .rateSparkline)
            row += 2
        }
        // The recent requests take at most half of what is left; the events get the rest.
        if let recent, row + 3 < rect.height {
            let rows = min(max(recent.traces.count, 1), RecentRequests.limit, (rect.height - row) / 2 - 1)
            RecentRequestsView.draw(&canvas, in: Rect(x: rect.x, y: rect.y + row, width: rect.width, height: rows + 1),
                                    recent: recent)
            row += rows + 1
        }
        guard row + 1 < rect.height else { return }
        let own = events.filter { $0.message.contains(id.rawValue) }
        EventLogView.draw(&canvas, in: Rect(x: rect.x, y: rect.y + row, width: rect.width, height: rect.height - row),
                          events: own, title: "Events about \(id)", scroll: 0, focused: false, utc: utc)
    }
}
