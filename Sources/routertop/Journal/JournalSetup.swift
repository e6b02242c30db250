import Foundation
import Logging
import RouterAPI
import RouterControlServer
import RouterEngine
import RouterJournal

/// Opens a live router's journal at start: reports a torn last line, warns of drift, and gives
/// the settings to start from (the journal's, with `--resume-settings`).
struct JournalSetup {
    let file: JournalFile
    /// The settings the router starts with.
    let settings: RouterSettings
    /// Lines for the event log: problems found in the journal, the drift warning.
    let warnings: [String]

    /// Exits 2 with one line when the journal cannot be opened or its settings no longer validate.
    static func open(
        _ options: JournalOptions, control: ControlOptions, defaultName: String, startup: RouterSettings,
        environment: [String: String], logger: Logger
    ) -> JournalSetup {
        if options.journal?.isEmpty == true { failStartup("--journal is empty; it must be a file path") }
        let path = journalPath(options, control: control, defaultName: defaultName, environment: environment)
        let file: JournalFile
        switch JournalFile.open(path: path) {
        case .failure(let error): failStartup(error.message)
        case .success(let opened): file = opened
        }
        var warnings = file.openingProblems.map { "journal: \($0)" }
        if let unsettled = JournalTrial.unsettled(in: file.read(after: 0).entries) {
            // Journaled first, so the replay, the drift warning and --resume-settings all see the settled value.
            switch file.append(unsettled.revertEntry) {
            case .failure(let error): failStartup("the journal \(path) holds an unconfirmed trial that cannot be reverted (\(error.message))")
            case .success(let entry):
                warnings.append("journal: the settings trial of #\(unsettled.entry.sequence) by \(unsettled.entry.who.login) was "
                    + "not confirmed before the router stopped; #\(entry.sequence) reverts it")
            }
        }
        let entries = file.read(after: 0).entries
        var settings = startup
        if options.resumeSettings {
            guard let last = JournalReplay.lastSettings(in: entries), let journaled = last.change.new.settings else {
                failStartup("--resume-settings: the journal \(path) holds no applied settings change to resume")
            }
            do {
                try SettingsValidator.validate(journaled, subject: \.fileKey)
            } catch {
                failStartup("--resume-settings: \(path) entry #\(last.sequence): \(error.description)")
            }
            settings = journaled
            logger.info("resuming the settings of journal entry #\(last.sequence) (\(last.time) by \(last.who.login))")
        } else if let drift = JournalDrift.find(in: entries, startup: startup) {
            warnings.append(drift.warning)
        }
        for warning in warnings { logger.warning("\(warning)") }
        logger.info("journal: \(path)")
        return JournalSetup(file: file, settings: settings, warnings: warnings)
    }

    /// The journal's path. A journal named after the socket follows it: with routertop's own name
    /// a journal another router writes moves aside to `NAME-2`, … as the socket does; with a name the
    /// operator chose, a router live on that socket is named as the socket's holder.
    private static func journalPath(
        _ options: JournalOptions, control: ControlOptions, defaultName: String, environment: [String: String]
    ) -> String {
        let socketPath = ControlSetup.socketPath(control, defaultName: defaultName, environment: environment)
        var path = JournalPath.resolve(explicit: options.journal, socketPath: socketPath, environment: environment)
        guard options.journal == nil, case .held(let pid) = PidLock.holder(JournalFile.lockPath(path)) else { return path }
        if ControlSetup.isImplicit(control) {
            for number in 2..<100 where PidLock.holder(JournalFile.lockPath(path)) != nil {
                let moved = ControlSocketPath.path(name: "\(defaultName)-\(number)", environment: environment)
                path = JournalPath.resolve(explicit: nil, socketPath: moved, environment: environment)
            }
        } else if ControlSocketGuard.occupant(of: socketPath) == .live {
            failStartup("another router is live on the control socket \(socketPath) (\(PidLock.describe(pid))); "
                + "choose another --name or --control, or attach to it")
        }
        return path
    }

    /// Gives the router its journal and puts the start-up warnings in its event log; on the router's thread.
    func attach(to router: Router) {
        router.journal = file
        for warning in warnings { router.record(.warning, warning) }
    }
}
