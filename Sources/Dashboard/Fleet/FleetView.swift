import RouterAPI
import RouterFleet

/// Draws the fleet screen: the routers, the replicas merged over them, one event log, and the
/// rollout started here. Pure: the same fleet, state and size give the same screen.
enum FleetView {
    /// The settings columns, in the order the editor lists them, with short headers.
    static let settingColumns: [(key: RouterSettingKey, header: String)] = [
        (.initialBackoff, "INIT"), (.backoffMultiplier, "MULT"), (.maxBackoff, "MAX"), (.probeDeadline, "PROBE"),
        (.maxProbeDeadline, "PMAX"), (.cacheTimeout, "CACHE"), (.modelMatchingTimeout, "MODEL"),
    ]
    /// The width of one setting's column.
    static let settingWidth = 7
    /// The narrowest and widest router-name column; between them, the longest name where the
    /// terminal has room (Ray routers are named `ray-APP-DEPLOYMENT-PID`).
    static let nameWidths = 12...40

    /// The router-name column's width: the longest name and a space, within `nameWidths` and the
    /// room left beside the other columns and every setting's.
    static func nameWidth(_ fleet: Fleet, columns: Int) -> Int {
        let longest = (fleet.members.map(\.name.count).max() ?? 0) + 1
        let spare = columns - (routerColumns.reduce(2 + nameWidths.lowerBound) { $0 + $1.1 }
            + settingColumns.count * settingWidth)
        return min(max(longest, nameWidths.lowerBound), nameWidths.lowerBound + max(spare, 0), nameWidths.upperBound)
    }

    /// The routers table's columns after NAME, with their widths.
    static let routerColumns: [(String, Int)] = [
        ("KIND", 6), ("NODE", 8), ("STATE", 27), ("IN/s", 7), ("OUT/s", 7), ("FAIL/s", 7), ("PEND", 5), ("TASKS", 6),
        ("BACKOFF", 8), ("P50", 7), ("P99", 7),
    ]

    static func render(fleet: Fleet, state: FleetScreenState, size: TerminalSize, now: UTCTime, ascii: Bool) -> Screen {
        var canvas = Canvas(size: size, ascii: ascii)
        guard size.rows >= 8, size.columns >= 40 else {
            canvas.put("terminal too small for the fleet (\(size))", x: 0, y: 0, role: .statusRefused)
            return canvas.screen
        }
        let live = fleet.live
        let replicas = fleet.replicas
        let unreachable = fleet.members.count - live.count
        canvas.put("routertop fleet", x: 0, y: 0, role: .headerTitle)
        canvas.put("  \(fleet.members.count) routers, \(live.count) live"
            + (unreachable > 0 ? ", \(unreachable) not answering" : "") + " · \(replicas.count) replicas · \(now.clockText) UTC",
            x: 15, y: 0, role: .headerValue)

        let footerRows = 1
        var rolloutLines: [(String, StyleRole)] = []
        if let rollout = state.rollout {
            let role: StyleRole = rollout.report.map { $0.succeeded ? .statusDone : .statusRefused } ?? .statusInfo
            rolloutLines.append(((state.rolloutOpen ? "▾ " : "▸ ") + rollout.line, role))
            if state.rolloutOpen {
                for router in rollout.plan.targets {
                    rolloutLines.append(("    \(router): \(rollout.outcomes[router] ?? .notReached)", .tableRow))
                }
                for line in rollout.comparison?.lines ?? [] { rolloutLines.append(("    " + line, .tableDim)) }
            }
        }
        let body = size.rows - 1 - footerRows - rolloutLines.count - (state.status.isEmpty ? 0 : 1)
        let routerRows = min(fleet.members.count, max((body - 6) / 3, 1))
        let replicaRows = min(replicas.count, max((body - 6 - routerRows) / 2, 1))
        var y = 1
        y = drawRouters(&canvas, fleet: fleet, state: state, y: y, rows: routerRows)
        y = drawReplicas(&canvas, replicas: replicas, live: live.count, y: y, rows: replicaRows)
        let eventRows = max(size.rows - footerRows - rolloutLines.count - (state.status.isEmpty ? 0 : 1) - y - 1, 0)
        canvas.rule("Events, every router, wall-clock order", in: Rect(x: 0, y: y, width: size.columns, height: 1))
        y += 1
        for (row, entry) in fleet.events(limit: eventRows).enumerated() {
            let x = canvas.put(entry.event.timeUTC.description.dropFirst(11).prefix(12) + " ", x: 0, y: y + row, role: .eventTime)
            let named = canvas.put(pad(entry.router, nameWidth(fleet, columns: size.columns)), x: x, y: y + row,
                                   role: .eventReplica)
            canvas.put(entry.event.message, x: x + named, y: y + row, role: role(of: entry.event.kind),
                       maxWidth: size.columns - x - named)
        }
        y = size.rows - footerRows - rolloutLines.count - (state.status.isEmpty ? 0 : 1)
        for (text, role) in rolloutLines {
            canvas.put(text, x: 0, y: y, role: role, maxWidth: size.columns)
            y += 1
        }
        if !state.status.isEmpty {
            canvas.put(state.status, x: 0, y: y, role: .statusRefused, maxWidth: size.columns)
        }
        let footer = size.rows - 1
        if let prompt = state.prompt {
            let targets = state.marked.isEmpty ? "every live router" : state.marked.sorted().joined(separator: ", ")
            canvas.put("set on \(targets) (KEY=VALUE …, canary=S watches the first S s, Enter rolls out, Esc cancels): "
                + prompt + "_", x: 0, y: footer,
                       role: .statusInfo, maxWidth: size.columns)
        } else {
            canvas.put("↑↓ select  Enter open (Esc back)  space mark  e edit settings (rollout)  r rollout parts  "
                + "Esc unmark/cancel  q quit", x: 0, y: footer, role: .tableDim, maxWidth: size.columns)
        }
        return canvas.screen
    }

    private static func drawRouters(_ canvas: inout Canvas, fleet: Fleet, state: FleetScreenState, y start: Int,
                                    rows: Int) -> Int {
        var y = start
        let groups = fleet.groups.map { "\($0.group) (\($0.members.count))" }.joined(separator: ", ")
        let settings = fleet.settings
        let columns = [("NAME", nameWidth(fleet, columns: canvas.width))] + routerColumns
        let fixed = 2 + columns.reduce(0) { $0 + $1.1 }
        // Every setting gets a column where the terminal is wide enough; otherwise one column lists
        // the settings that differ from the fleet's, whose values the title then shows.
        let allSettings = canvas.width >= fixed + settingColumns.count * settingWidth
        var title = "Routers: \(groups)"
        if !allSettings {
            title += " · fleet settings: " + settingColumns.map { column in
                "\(column.header.lowercased()) " + (settings.common[column.key].map(Format.setting) ?? "-")
            }.joined(separator: " ")
        }
        canvas.rule(title, in: Rect(x: 0, y: y, width: canvas.width, height: 1))
        y += 1
        var x = 2
        for (title, width) in columns { canvas.put(pad(title, width), x: x, y: y, role: .tableHeader); x += width }
        if allSettings {
            for column in settingColumns {
                canvas.put(pad(column.header, settingWidth), x: x, y: y, role: .tableHeader)
                x += settingWidth
            }
        } else {
            canvas.put("SETTINGS ≠ FLEET", x: x, y: y, role: .tableHeader, maxWidth: canvas.width - x)
        }
        y += 1
        let names = fleet.members.map(\.name)
        let selected = state.selected.flatMap { names.firstIndex(of: $0) } ?? 0
        let first = min(max(selected - rows + 1, 0), max(fleet.members.count - rows, 0))
        for member in fleet.members.dropFirst(first).prefix(rows) {
            let isSelected = member.name == names[selected]
            let base: StyleRole = isSelected ? .tableSelected : .tableRow
            if isSelected { canvas.fill(Rect(x: 0, y: y, width: canvas.width, height: 1), role: base) }
            canvas.put(state.marked.contains(member.name) ? "*" : " ", x: 0, y: y, role: base)
            var cells: [String] = [member.name]
            var stateRole = base
            switch member.link {
            case .live(let snapshot):
                cells += [snapshot.mode.kind.rawValue, snapshot.locality.node, member.stateText,
                          Format.rate(snapshot.rateIn), Format.rate(snapshot.rateOut), Format.rate(snapshot.rateFailed),
                          String(snapshot.totals.pending), String(snapshot.routingTasks), String(snapshot.tasksInBackoff),
                          Format.duration(snapshot.fulfillment.p50), Format.duration(snapshot.fulfillment.p99)]
            case .connecting, .unreachable, .gone:
                // Never the last figures as if they were live: a router that does not answer shows none.
                cells += [member.kind?.rawValue ?? "-", "-", member.stateText] + Array(repeating: "-", count: 8)
                if !isSelected { stateRole = .stateUnavailable }
            }
            x = 2
            for (index, (_, width)) in columns.enumerated() {
                canvas.put(pad(cells[index], width), x: x, y: y, role: index == 3 ? stateRole : base, maxWidth: width)
                x += width
            }
            if let snapshot = member.snapshot, allSettings {
                for column in settingColumns {
                    let differs = settings.differs(member.name, column.key)
                    canvas.put(pad(Format.setting(snapshot.settings[column.key]) + (differs ? "*" : ""), settingWidth),
                               x: x, y: y, role: differs && !isSelected ? .headerChanged : base, maxWidth: settingWidth)
                    x += settingWidth
                }
            } else if let snapshot = member.snapshot {
                let differing = settingColumns.filter { settings.differs(member.name, $0.key) }
                let text = differing.isEmpty ? "=" : differing.map { column in
                    "\(column.header.lowercased()) \(Format.setting(snapshot.settings[column.key]))*"
                }.joined(separator: " ")
                canvas.put(text, x: x, y: y, role: differing.isEmpty || isSelected ? base : .headerChanged,
                           maxWidth: canvas.width - x)
            }
            y += 1
        }
        return start + 2 + rows
    }

    private static func drawReplicas(_ canvas: inout Canvas, replicas: [FleetReplica], live: Int, y start: Int,
                                     rows: Int) -> Int {
        var y = start
        let disagreeing = replicas.filter(\.disagrees).count
        canvas.rule("Replicas merged over \(live) routers" + (disagreeing > 0 ? ", \(disagreeing) seen differently (≠)" : ""),
                    in: Rect(x: 0, y: y, width: canvas.width, height: 1))
        y += 1
        let columns: [(String, Int)] = [("REPLICA", 24), ("SEEN BY", 8), ("QUEUE", 8), ("", 2), ("STATE", 22),
                                        ("IN FLIGHT", 10), ("ROUTED", 10)]
        var x = 2
        for (title, width) in columns { canvas.put(pad(title, width), x: x, y: y, role: .tableHeader); x += width }
        y += 1
        // Disagreements first: they are what this table is for.
        let ordered = replicas.filter(\.disagrees) + replicas.filter { !$0.disagrees }
        for replica in ordered.prefix(rows) {
            let queue = replica.queueMin == replica.queueMax ? "\(replica.queueMin)" : "\(replica.queueMin)–\(replica.queueMax)"
            let cells = [replica.id.rawValue, "\(replica.seenBy.count)/\(live)", queue, replica.disagrees ? "≠" : "",
                         replica.states.map(\.rawValue).joined(separator: "/"), String(replica.inFlight),
                         Format.count(replica.routed)]
            x = 2
            for (index, (_, width)) in columns.enumerated() {
                let role: StyleRole = index == 3 || (index == 4 && replica.states.count > 1) ? .eventWarning : .tableRow
                canvas.put(pad(cells[index], width), x: x, y: y, role: role, maxWidth: width)
                x += width
            }
            y += 1
        }
        return start + 2 + rows
    }

    private static func role(of kind: RouterEvent.Kind) -> StyleRole {
        switch kind {
        case .replica: .eventReplica
        case .fault: .eventFault
        case .settings: .eventSettings
        case .warning: .eventWarning
        case .info: .eventInfo
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }
}
