import RouterEngine

extension ProxyConfiguration {
    /// The shortest probe deadline a real probe can meet: a loopback round trip plus the replica's
    /// own scheduling already take longer.
    static let shortestUsefulProbeDeadline = 0.001

    /// Settings that pass validation but leave the router unable to route, in words, for the log
    /// and the event log at start.
    public var startupWarnings: [String] {
        var warnings: [String] = []
        if settings.maxProbeDeadline < Self.shortestUsefulProbeDeadline {
            warnings.append("""
                the probe deadline can grow only to \(SettingText.format(settings.maxProbeDeadline)) s, shorter \
                than any real probe (\(SettingText.format(Self.shortestUsefulProbeDeadline)) s): every probe will \
                time out and replicas with a queue-length endpoint will get no requests
                """)
        }
        if let requestTimeout, requestTimeout < .seconds(Self.shortestUsefulProbeDeadline) {
            warnings.append("""
                the request timeout of \(SettingText.format(requestTimeout.secondsValue)) s \
                ends every request before a replica can answer
                """)
        }
        return warnings
    }
}
