import ArgumentParser

/// Where a live router serves its control API: the Unix socket, and optionally TCP.
struct ControlOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The router's name: its control socket is $XDG_RUNTIME_DIR/routertop/NAME.sock (default 'default', or the listen port in proxy mode).",
        valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The control socket's path (instead of one chosen by --name).", valueName: "path"))
    var control: String?

    @Option(name: .customLong("admin-listen"), help: ArgumentHelp(
        "Also serve the control API and /metrics over TCP on HOST:PORT; writes need a bearer token.",
        valueName: "host:port"))
    var adminListen: String?

    @Option(name: .customLong("admin-token-file"), help: ArgumentHelp(
        "A file (mode 0600) of bearer tokens for --admin-listen, one per line as LABEL TOKEN (or ROUTERTOP_ADMIN_TOKEN).",
        valueName: "file"))
    var adminTokenFile: String?
}
