import RouterAPI

/// What one frame derives from the snapshot, the state and the terminal size before anything is
/// drawn: the layout, the replicas in display order, the table's columns and the merged events.
///
/// Computed once per frame (one filter pass and one sort) and read by both the update step that
/// fits the state to the frame (`DashboardState.fit(to:snapshot:)`) and the renderer.
struct FramePlan {
    let layout: FrameLayout
    /// Indexes into the snapshot's replicas: the filter applied, in the chosen sort.
    let order: [Int]
    /// The ids of `order`, as the keys see them.
    let ids: [ReplicaID]
    /// The replica table's columns (empty when the table has no room for headings).
    let columns: [ReplicaTableView.PlacedColumn]
    /// True when a column the operator did not hide was left out for want of width.
    let columnsCut: Bool
    /// The router's events and the dashboard's notices, in time order.
    let events: [RouterEvent]

    /// The plan for `size`, or nil when the terminal is below the minimum size.
    init?(snapshot: RouterSnapshot, state: DashboardState, size: TerminalSize, readOnly: Bool) {
        guard size.columns >= FrameLayout.minimumSize.columns, size.rows >= FrameLayout.minimumSize.rows else {
            return nil
        }
        order = ReplicaOrdering.order(snapshot.replicas, sort: state.sort, filter: state.filter)
        layout = FrameLayout(size: size, readOnly: readOnly, wantedTableRows: order.count + 2)
        var ids: [ReplicaID] = []
        ids.reserveCapacity(order.count)
        for index in order { ids.append(snapshot.replicas[index].id) }
        self.ids = ids
        if state.view == .main, layout.table.height > 1 {
            (columns, columnsCut) = ReplicaTableView.columns(for: snapshot.replicas, width: layout.table.width,
                                                              hidden: state.hiddenColumns)
        } else {
            (columns, columnsCut) = ([], false)
        }
        events = EventLogView.merged(snapshot.events, state.notices)
    }
}
