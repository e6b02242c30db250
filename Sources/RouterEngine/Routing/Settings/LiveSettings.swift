/// The settings in force and the retry backoff they make.
///
/// The router keeps them apart from their lifecycle (`SettingsLifecycle`), as a value with no
/// reference in it, only ever assigned whole: a request reads them several times, and such a
/// property is read with no run-time exclusivity check, where every read of the lifecycle, which
/// holds the trial's timer and the journal, was checked.
struct LiveSettings {
    let settings: RouterSettings
    let backoff: BackoffPolicy

    init(_ settings: RouterSettings, legacyBackoff: Bool) {
        self.settings = settings
        self.backoff = settings.backoffPolicy(legacy: legacyBackoff)
    }
}
