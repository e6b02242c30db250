import RouterAPI

/// The replica table: a title rule, column headings and one row per visible replica.
enum ReplicaTableView {
    struct PlacedColumn {
        var column: ReplicaColumn
        var x: Int
        var width: Int
    }

    /// Chooses the columns that fit `width`, most important first, shown in their natural order;
    /// `cut` is true when some column the operator did not hide was left out for want of room
    /// (the last cell is then kept free for the mark that says so).
    static func columns(
        for replicas: [ReplicaSnapshot], width: Int, hidden: Set<ReplicaColumn> = []
    ) -> (placed: [PlacedColumn], cut: Bool) {
        var idWidth = 7, locationWidth = 9, faultWidth = 5
        for replica in replicas {
            idWidth = max(idWidth, replica.id.rawValue.utf8.count)
            locationWidth = max(locationWidth, replica.node.utf8.count + replica.zone.utf8.count + 1)
            if let fault = replica.fault { faultWidth = max(faultWidth, fault.utf8.count) }
        }
        let widths = ReplicaColumn.allCases.map { column in
            switch column {
            case .id: min(idWidth, 24)
            case .location: min(locationWidth, 24)
            case .fault: min(faultWidth, 30)
            default: column.baseWidth
            }
        }
        let anyModels = replicas.contains { $0.models != nil }
        let candidates = ReplicaColumn.allCases.sorted { $0.priority < $1.priority }
            .filter { !hidden.contains($0) && ($0 != .models || anyModels) }
        let all = fit(candidates, widths: widths, width: width)
        guard all.count < candidates.count else { return (all, false) }
        return (fit(candidates, widths: widths, width: width - 1), true)
    }

    /// The `candidates` (most important first) that fit `width`, placed in the table's order.
    private static func fit(_ candidates: [ReplicaColumn], widths: [Int], width: Int) -> [PlacedColumn] {
        var chosen = Set<ReplicaColumn>()
        var used = 1
        for column in candidates {
            let needed = widths[column.rawValue] + (chosen.isEmpty ? 0 : 1)
            if used + needed <= width {
                chosen.insert(column)
                used += needed
            }
        }
        var placed: [PlacedColumn] = []
        var x = 1
        for column in ReplicaColumn.allCases where chosen.contains(column) {
            placed.append(PlacedColumn(column: column, x: x, width: widths[column.rawValue]))
            x += widths[column.rawValue] + 1
        }
        return placed
    }

    /// Draws the table with the columns the frame's plan chose (`columns(for:width:hidden:)`).
    static func draw(
        _ canvas: inout Canvas, in rect: Rect, snapshot: RouterSnapshot, plan: FramePlan, state: DashboardState,
        focused: Bool, lastKnown: Bool = false
    ) {
        guard rect.height > 0 else { return }
        let order = plan.order
        let replicas = snapshot.replicas
        // With the router gone the rows are what it last said, not what is: greyed and named so.
        var title = (lastKnown ? "LAST KNOWN STATE" + canvas.glyphs.separator : "") + "Replicas \(order.count)"
        if order.count != replicas.count { title += " of \(replicas.count)" }
        // Why the router's own node gets most of the traffic: the tier it draws from first.
        title += canvas.glyphs.separator + LocalityTierText.text(snapshot)
        let arrow = state.sort.descending ? canvas.glyphs.sortDescending : canvas.glyphs.sortAscending
        title += canvas.glyphs.separator + "sort " + state.sort.column.longTitle + " " + arrow
        let pageRows = max(rect.height - 2, 0)
        if order.count > pageRows, pageRows > 0 {
            let last = min(state.tableScroll + pageRows, order.count)
            title += canvas.glyphs.separator + "rows \(state.tableScroll + 1)-\(last)"
        }
        canvas.rule(title, in: rect, role: .panelBorder, titleRole: focused ? .panelTitle : .tableHeader)
        if state.filterEditing || !state.filter.isEmpty {
            let filterText = " filter: " + state.filter + (state.filterEditing ? "_" : "") + " "
            let x = rect.x + min(rect.width - 1, max(title.count + 6, rect.width - filterText.count - 1))
            canvas.put(filterText, x: x, y: rect.y, role: .filterText, maxWidth: rect.maxX - x)
        }
        guard rect.height > 1 else { return }
        let columns = plan.columns
        let headerY = rect.y + 1
        canvas.fill(Rect(x: rect.x, y: headerY, width: rect.width, height: 1), role: .tableHeader)
        if plan.columnsCut {
            // Columns went for want of width (the help lists them all): say so where they would be.
            canvas.put(canvas.glyphs.columnsCutMark, x: rect.maxX - 1, y: headerY, role: .tableHeader, maxWidth: 1)
        }
        for placed in columns {
            let role: StyleRole = placed.column == state.sort.column ? .tableSorted : .tableHeader
            var text = placed.column.title
            if placed.column == state.sort.column { text += arrow }
            if placed.column.alignsRight {
                canvas.putRight(text, right: rect.x + placed.x + placed.width, y: headerY, width: placed.width, role: role)
            } else {
                canvas.put(text, x: rect.x + placed.x, y: headerY, role: role, maxWidth: placed.width)
            }
        }
        if order.isEmpty, rect.height > 2 {
            let why = replicas.isEmpty ? "no replicas" : "no replica matches the filter \"\(state.filter)\""
            canvas.put(why, in: rect, row: 2, column: 1, role: .tableDim)
            return
        }
        for row in 0..<pageRows {
            let position = state.tableScroll + row
            guard position < order.count else { break }
            let replica = replicas[order[position]]
            let selected = position == state.selectedIndex
            drawRow(&canvas, replica: replica, columns: columns, x: rect.x, y: rect.y + 2 + row,
                    width: rect.width, selected: selected, dim: lastKnown)
        }
    }

    private static func drawRow(
        _ canvas: inout Canvas, replica: ReplicaSnapshot, columns: [PlacedColumn], x: Int, y: Int, width: Int,
        selected: Bool, dim: Bool
    ) {
        let base: StyleRole = selected ? .tableSelected : dim ? .tableDim : .tableRow
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), role: base)
        if selected { canvas.put(canvas.glyphs.selectionMark, x: x, y: y, role: base, maxWidth: 1) }
        for placed in columns {
            let left = x + placed.x
            func text(_ value: String, _ role: StyleRole) {
                let shown: StyleRole = selected || dim ? base : role
                if placed.column.alignsRight {
                    canvas.putRight(value, right: left + placed.width, y: y, width: placed.width, role: shown)
                } else {
                    canvas.put(value, x: left, y: y, role: shown, maxWidth: placed.width)
                }
            }
            switch placed.column {
            case .id: text(replica.id.rawValue, .tableRow)
            case .location: text(replica.node + "/" + replica.zone, .tableDim)
            case .state:
                let mark = replica.fault == nil ? "" : "!"
                // A replica whose first probes time out is shown slow too: it is not known healthy.
                if replica.lastProbeTimedOut, replica.state == .healthy || replica.state == .probing {
                    text("slow \(Format.count(replica.probeTimeouts))" + mark, .stateUnavailable)
                } else {
                    text(replica.state.rawValue + mark, replica.fault == nil ? stateRole(replica.state) : .stateFault)
                }
            case .queue:
                let figure = "\(replica.queueLength)/\(replica.maxOngoingRequests)"
                let limit = max(replica.maxOngoingRequests, 1)
                let track = placed.width - 6
                // One cell a slot when the slots fit: a change of one request redraws one cell,
                // where eighths would redraw two. The slots end where the track ends, next to
                // the figure, so that curses reaches the figure from the bar's tip with a short
                // relative move (it addresses the cursor in full beyond 7 columns).
                let barWidth = limit <= track ? limit : track
                let fraction = Double(replica.queueLength) / Double(limit)
                Bar.draw(&canvas, x: left + track - barWidth, y: y, width: barWidth, fraction: fraction,
                         role: dim ? .tableDim : queueRole(fraction), emptyRole: .queueEmpty,
                         zones: dim ? { _ in .tableDim } : queueRole)
                // The bar's tip carries the level's colour; the figure is coloured only when the
                // queue is full, so the bar, the figure and the in-flight count beside it are
                // mostly written without a colour switch between them.
                let figureRole: StyleRole = fraction >= 1 ? .queueFull : .tableRow
                canvas.putRight(figure, right: left + placed.width, y: y, width: 5,
                                role: selected || dim ? base : figureRole)
            case .source: text(replica.queueSource.rawValue, sourceRole(replica.queueSource))
            case .inFlight: text(String(replica.inFlight), .tableRow)
            case .routed: text(Format.count(replica.routed), .tableRow)
            case .errors: text(Format.count(replica.errors), replica.errors > 0 ? .queueFull : .tableRow)
            case .rejected: text(Format.count(replica.rejected), replica.rejected > 0 ? .queueHigh : .tableRow)
            case .fullAnswers: text(Format.count(replica.fullAnswers), .tableRow)
            case .probeTimeouts:
                text(Format.count(replica.probeTimeouts), replica.probeTimeouts > 0 ? .queueHigh : .tableRow)
            case .retries: text(Format.count(replica.retriesAttributed), .tableRow)
            case .probeRTT:
                if replica.lastProbeTimedOut { text("tmo", .queueHigh) } else {
                    text(Format.duration(replica.probeRTT, micro: "us"), .tableRow)
                }
            case .cacheAge: text(Format.duration(replica.cacheAge, micro: "us"), .tableDim)
            case .p99: text(Format.duration(replica.latencyP99, micro: "us"), .tableRow)
            case .rate:
                let sparkWidth = placed.width - 6
                // The rate is the chart's newest value: the chart, the gap and the figure share
                // one colour, so the row needs no colour switch between them.
                let rateRole: StyleRole = selected || dim ? base : .rateSparkline
                canvas.fill(Rect(x: left, y: y, width: placed.width, height: 1), role: rateRole)
                Sparkline.draw(&canvas, x: left, y: y, width: sparkWidth, values: replica.rateHistory, role: rateRole)
                canvas.putRight(Format.count(Int(replica.rate.rounded())), right: left + placed.width, y: y,
                                width: 5, role: rateRole)
            case .fault: text(replica.fault ?? "", .stateFault)
            case .models: text(ModelsText.cell(replica.models), .tableRow)
            }
        }
    }

    static func stateRole(_ state: ReplicaState) -> StyleRole {
        switch state {
        case .healthy: .stateHealthy
        case .unavailable: .stateUnavailable
        case .dead: .stateDead
        case .draining: .stateDraining
        // Not yet known either way: shown as plainly as a replica that takes no new work.
        case .probing: .stateDraining
        }
    }

    static func queueRole(_ fraction: Double) -> StyleRole {
        if fraction >= 1 { return .queueFull }
        if fraction >= 0.8 { return .queueHigh }
        if fraction >= 0.5 { return .queueMedium }
        return .queueLow
    }

    static func sourceRole(_ source: QueueLengthSource) -> StyleRole {
        switch source {
        case .probe: .sourceProbe
        case .cache: .sourceCache
        case .local: .sourceLocal
        }
    }
}
