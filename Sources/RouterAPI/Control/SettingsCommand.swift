/// An operator's command about the live settings: one group, carried out by the router engine
/// itself (`Router.perform(settings:by:)`) the same way in every host.
public enum SettingsCommand: Equatable, Sendable, Codable {
    /// Replace the live settings (validated again by the router).
    case apply(RouterSettings)
    /// Go back to the settings before the last change.
    case undo
    /// Replace the live settings on trial: they go back by themselves unless confirmed within
    /// `seconds`, or when the operator's session (an attached dashboard's stream) ends.
    case applyOnTrial(RouterSettings, seconds: Int, session: String?)
    /// Keep the settings on trial.
    case confirm
    /// Go back to `settings`, the settings just after journal entry `entry`.
    case revert(RouterSettings, entry: UInt64)
    /// An operator's session ended (an attached dashboard's connection dropped).
    case endSession(String)

    /// True for the commands that change the settings (and so make a settings event when done).
    public var changesSettings: Bool {
        switch self {
        case .apply, .undo, .applyOnTrial, .confirm, .revert: true
        case .endSession: false
        }
    }
}
