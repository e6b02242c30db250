import ArgumentParser

/// Where a live router journals its changes, and whether it starts from the journal's settings.
struct JournalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The change journal (default: $XDG_STATE_HOME/routertop/NAME.journal.jsonl, NAME as the control socket's).",
        valueName: "path"))
    var journal: String?

    @Flag(name: .customLong("resume-settings"),
          help: "Start from the journal's last applied settings instead of the environment and flags.")
    var resumeSettings = false
}
