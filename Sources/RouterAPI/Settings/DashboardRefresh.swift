/// The dashboard's refresh interval: its default and bounds, read by the flags, the environment,
/// the dashboard and the control API's snapshot stream.
public enum DashboardRefresh {
    /// The refresh at start when nothing sets it, in milliseconds.
    public static let defaultMilliseconds = 500
    /// The intervals an operator may choose, in milliseconds.
    public static let range = 50...10_000
}
