/// Every role the dashboard draws with, named by what it means on screen.
///
/// Themes are checked against `StyleRole.known`, so a misspelt role in a theme file is an error
/// instead of a colour that silently never shows.
extension StyleRole {
    public static let headerTitle: StyleRole = "header.title"
    public static let headerLabel: StyleRole = "header.label"
    public static let headerValue: StyleRole = "header.value"
    public static let headerChanged: StyleRole = "header.changed"
    public static let headerPaused: StyleRole = "header.paused"
    /// The router this dashboard shows is gone: the loudest thing on screen.
    public static let headerAlarm: StyleRole = "header.alarm"

    public static let bannerReadOnly: StyleRole = "banner.readonly"
    public static let statusDone: StyleRole = "status.done"
    public static let statusRefused: StyleRole = "status.refused"
    public static let statusInfo: StyleRole = "status.info"

    public static let panelTitle: StyleRole = "panel.title"
    public static let panelBorder: StyleRole = "panel.border"

    public static let tableHeader: StyleRole = "table.header"
    public static let tableSorted: StyleRole = "table.sorted"
    public static let tableRow: StyleRole = "table.row"
    public static let tableSelected: StyleRole = "table.selected"
    public static let tableDim: StyleRole = "table.dim"

    public static let stateHealthy: StyleRole = "state.healthy"
    public static let stateUnavailable: StyleRole = "state.unavailable"
    public static let stateDead: StyleRole = "state.dead"
    public static let stateDraining: StyleRole = "state.draining"
    public static let stateFault: StyleRole = "state.fault"

    public static let queueLow: StyleRole = "queue.low"
    public static let queueMedium: StyleRole = "queue.medium"
    public static let queueHigh: StyleRole = "queue.high"
    public static let queueFull: StyleRole = "queue.full"
    public static let queueEmpty: StyleRole = "queue.empty"

    public static let sourceProbe: StyleRole = "source.probe"
    public static let sourceCache: StyleRole = "source.cache"
    public static let sourceLocal: StyleRole = "source.local"

    public static let rateSparkline: StyleRole = "rate.sparkline"

    public static let backoffRequest: StyleRole = "backoff.request"
    public static let backoffAttempt: StyleRole = "backoff.attempt"
    public static let backoffWait: StyleRole = "backoff.wait"
    public static let backoffImmediate: StyleRole = "backoff.immediate"
    public static let backoffCountdown: StyleRole = "backoff.countdown"
    public static let backoffElapsed: StyleRole = "backoff.elapsed"
    public static let backoffProbing: StyleRole = "backoff.probing"

    public static let histogramBar: StyleRole = "histogram.bar"
    public static let histogramLabel: StyleRole = "histogram.label"

    public static let eventTime: StyleRole = "event.time"
    public static let eventReplica: StyleRole = "event.replica"
    public static let eventFault: StyleRole = "event.fault"
    public static let eventSettings: StyleRole = "event.settings"
    public static let eventWarning: StyleRole = "event.warning"
    public static let eventInfo: StyleRole = "event.info"

    public static let footerKey: StyleRole = "footer.key"
    public static let footerText: StyleRole = "footer.text"

    public static let modalBorder: StyleRole = "modal.border"
    public static let modalTitle: StyleRole = "modal.title"
    public static let modalText: StyleRole = "modal.text"
    public static let helpKey: StyleRole = "help.key"

    public static let editLabel: StyleRole = "edit.label"
    public static let editField: StyleRole = "edit.field"
    public static let editFocus: StyleRole = "edit.focus"
    public static let editPending: StyleRole = "edit.pending"
    public static let editError: StyleRole = "edit.error"
    public static let editPreview: StyleRole = "edit.preview"

    public static let filterText: StyleRole = "filter.text"
    public static let tooSmall: StyleRole = "notice.small"

    /// Every role a theme may set, in the order `themes/README.md` documents them.
    public static let known: [StyleRole] = [
        .normal,
        .headerTitle, .headerLabel, .headerValue, .headerChanged, .headerPaused, .headerAlarm,
        .bannerReadOnly, .statusDone, .statusRefused, .statusInfo,
        .panelTitle, .panelBorder,
        .tableHeader, .tableSorted, .tableRow, .tableSelected, .tableDim,
        .stateHealthy, .stateUnavailable, .stateDead, .stateDraining, .stateFault,
        .queueLow, .queueMedium, .queueHigh, .queueFull, .queueEmpty,
        .sourceProbe, .sourceCache, .sourceLocal,
        .rateSparkline,
        .backoffRequest, .backoffAttempt, .backoffWait, .backoffImmediate, .backoffCountdown,
        .backoffElapsed, .backoffProbing,
        .histogramBar, .histogramLabel,
        .eventTime, .eventReplica, .eventFault, .eventSettings, .eventWarning, .eventInfo,
        .footerKey, .footerText,
        .modalBorder, .modalTitle, .modalText, .helpKey,
        .editLabel, .editField, .editFocus, .editPending, .editError, .editPreview,
        .filterText, .tooSmall,
    ]
}
