/// Where each part of the main view goes for a terminal size, and which panels are dropped.
///
/// Below 80×24 panels go in this order: the event log, then the backoff timers, then the second
/// header line and the status line; the replica table stays to the end. Below 40×10 nothing but
/// a notice is drawn.
struct FrameLayout: Equatable {
    static let minimumSize = TerminalSize(columns: 40, rows: 10)

    var header: Rect
    var banner: Rect?
    var table: Rect
    var timers: Rect?
    var events: Rect?
    /// The body: the table and panels together (the detail view uses all of it).
    var body: Rect
    var status: Rect?
    var footer: Rect

    /// - Parameter wantedTableRows: the rows the replica table would use to show every replica.
    init(size: TerminalSize, readOnly: Bool, wantedTableRows: Int) {
        let width = size.columns, height = size.rows
        let headerRows = height >= 14 ? 2 : 1
        let bannerRows = readOnly && height >= 14 ? 1 : 0
        let statusRows = height >= 16 ? 1 : 0
        var rest = Rect(x: 0, y: 0, width: width, height: height)
        (header, rest) = rest.splitTop(headerRows)
        if bannerRows > 0 {
            let (bannerRect, remaining) = rest.splitTop(bannerRows)
            banner = bannerRect
            rest = remaining
        }
        let bodyRows = rest.height - statusRows - 1
        (body, rest) = rest.splitTop(bodyRows)
        if statusRows > 0 {
            let (statusRect, remaining) = rest.splitTop(1)
            status = statusRect
            rest = remaining
        }
        footer = rest

        // The table takes what its rows need, up to what the panels below can spare; panels
        // take the rest, so a small fleet leaves room for a longer event log.
        let rows = body.height
        let wanted = max(wantedTableRows, 5)
        if rows >= 18 {
            if width >= 120 {
                let bottomRows = max(8, rows - min(wanted, rows * 3 / 5))
                let (top, bottom) = body.splitTop(rows - bottomRows)
                table = top
                let (left, right) = bottom.splitLeft(width * 9 / 20)
                timers = Rect(x: left.x, y: left.y, width: left.width - 1, height: left.height)
                events = right
            } else {
                // Rows the table does not need go to the panels below (the event log gets most).
                let tableRows = min(wanted, rows - 9)
                let (top, bottom) = body.splitTop(tableRows)
                table = top
                let (middle, last) = bottom.splitTop(max(5, bottom.height * 2 / 5))
                timers = middle
                events = last
            }
        } else if rows >= 12 {
            let tableRows = min(wanted, rows - 4)
            let (top, bottom) = body.splitTop(tableRows)
            table = top
            timers = bottom
        } else {
            table = body
        }
    }
}
