import ArgumentParser

import RouterJournal

/// Where a live router journals its changes, and whether it starts from the journal's settings
/// and replica set.
struct JournalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The change journal (default: $XDG_STATE_HOME/routertop/NAME.journal.jsonl, NAME as the control socket's).",
        valueName: "path"))
    var journal: String?

    @Flag(name: .customLong(String(JournalDrift.resumeFlag.dropFirst(2))),
          help: ArgumentHelp("Start from the journal's last applied settings and, in proxy mode, its replica set "
              + "(replicas added, removed and drained live) instead of the environment and flags."))
    var resume = false
}
