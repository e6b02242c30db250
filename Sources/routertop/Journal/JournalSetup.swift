import Foundation
import Logging
import RouterAPI
import RouterControlServer
import RouterEngine
import RouterHTTP
import RouterJournal

/// Opens a live router's journal at start: reports a torn last line, warns of drift, and gives
/// the settings and replica set to start from (the journal's, with `--resume`).
struct JournalSetup {
    let file: JournalFile
    /// The settings the router starts with.
    let settings: RouterSettings
    /// The replica set to start with, with `--resume` in proxy mode; nil keeps the command line's.
    let replicas: JournalReplicas?
    /// Lines for the event log: problems found in the journal, the drift warning.
    let warnings: [String]
    /// What `--resume` restored, in one line for the log and the event log.
    let restored: String?

    /// Exits 2 with one line when the journal cannot be opened or its settings no longer validate.
    /// `replicas` names the command line's replicas (proxy mode), whose live changes `--resume`
    /// replays and the drift warning names; nil for the simulated fleet.
    static func open(
        _ options: JournalOptions, control: ControlOptions, defaultName: String, startup: RouterSettings,
        replicas startupReplicas: [String]? = nil, environment: [String: String], logger: Logger
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
            // Journaled first, so the replay, the drift warning and --resume all see the settled value.
            switch file.append(unsettled.revertEntry) {
            case .failure(let error): failStartup("the journal \(path) holds an unconfirmed trial that cannot be reverted (\(error.message))")
            case .success(let entry):
                warnings.append("journal: the settings trial of #\(unsettled.entry.sequence) by \(unsettled.entry.who.login) was "
                    + "not confirmed before the router stopped; #\(entry.sequence) reverts it")
            }
        }
        let entries = file.read(after: 0).entries
        var settings = startup
        let flag = JournalDrift.resumeFlag
        let replayed = startupReplicas.map { JournalReplicas.replay(entries, over: $0) }
        var resumed: JournalReplicas?
        var restored: String?
        if options.resume {
            let last = JournalReplay.lastSettings(in: entries)
            guard last != nil || replayed?.isUnchanged == false else {
                failStartup("\(flag): the journal \(path) holds no applied settings or replica change to resume")
            }
            var parts: [String] = []
            if let last, let journaled = last.change.new.settings {
                do {
                    try SettingsValidator.validate(journaled, subject: \.fileKey)
                } catch {
                    failStartup("\(flag): \(path) entry #\(last.sequence): \(error.description)")
                }
                settings = journaled
                parts.append("the settings of journal entry #\(last.sequence) (\(last.time) by \(last.who.login))")
            }
            if let replayed, !replayed.isUnchanged {
                // Added replicas go through the same check as a URL typed after `a` or given with --replica.
                for name in replayed.added {
                    let url = replayed.addedURLs[name] ?? name
                    if case .failure(let error) = ReplicaAddress.parse(url) {
                        failStartup("\(flag): \(path): the replica added live as \(name): \(error.message)")
                    }
                }
                if replayed.present.isEmpty {
                    failStartup("\(flag): \(path): the journal's replica changes leave no replica; start without \(flag)")
                }
                resumed = replayed
                parts.append("the replica set (\(replayed.summary))")
            }
            restored = "resumed from the journal: " + parts.joined(separator: " and ")
            logger.info("\(restored!)")
        } else {
            if let drift = JournalDrift.find(in: entries, startup: startup) { warnings.append(drift.warning) }
            if let replayed, let warning = JournalDrift.replicaWarning(replayed) { warnings.append(warning) }
        }
        for warning in warnings { logger.warning("\(warning)") }
        logger.info("journal: \(path)")
        return JournalSetup(file: file, settings: settings, replicas: resumed, warnings: warnings, restored: restored)
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
        if let restored { router.record(.info, restored) }
    }
}
