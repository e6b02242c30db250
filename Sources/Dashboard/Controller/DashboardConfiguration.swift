import RouterAPI

/// How the dashboard is set up at start: refresh, read-only, glyphs, colours, who operates it.
public struct DashboardConfiguration: Sendable {
    /// The refresh interval at start, 50…10000 ms; `<` and `>` change it live.
    public var refreshMilliseconds: Int
    /// `--readonly` / `ROUTERTOP_READONLY=1`: show everything, refuse every change.
    public var readOnly: Bool
    /// Plain ASCII bars, sparklines and borders (non-UTF-8 locale or `--ascii`).
    public var ascii: Bool
    /// `.none` under `NO_COLOR` or on a terminal without colours.
    public var colorDepth: ColorDepth
    /// Who is operating, for the event log.
    public var origin: CommandOrigin
    /// Where theme names are looked up (a `themes/` folder).
    public var themeSearchDirectories: [String]
    /// Where `E` writes the settings export.
    public var exportDirectory: String
    /// `--utc`: the event log's times of day in UTC rather than the local zone.
    public var utcClock = false
    /// Starts the router process again with the command line that started it, once it is gone
    /// (`r`); nil when this dashboard did not start it. Blocks until the router answers or fails.
    public var restartRouter: (@Sendable () -> CommandResult)?

    public init(
        refreshMilliseconds: Int = DashboardRefresh.defaultMilliseconds,
        readOnly: Bool = false,
        ascii: Bool = false,
        colorDepth: ColorDepth = .full256,
        origin: CommandOrigin = CommandOrigin(user: "operator"),
        themeSearchDirectories: [String] = ["themes"],
        exportDirectory: String = "."
    ) {
        self.refreshMilliseconds = refreshMilliseconds
        self.readOnly = readOnly
        self.ascii = ascii
        self.colorDepth = colorDepth
        self.origin = origin
        self.themeSearchDirectories = themeSearchDirectories
        self.exportDirectory = exportDirectory
    }
}
