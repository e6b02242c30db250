import ArgumentParser

/// The command-line options of proxy mode (`--listen` and what goes with it).
///
/// Numbers are kept as text so they are checked strictly, with one line naming the bad value.
struct ProxyOptions: ParsableArguments {
    @OptionGroup var listenOption: ListenOption

    var listen: String? { listenOption.listen }

    @Option(name: .customLong("replica"), help: ArgumentHelp("An HTTP replica's URL (repeatable).", valueName: "url"))
    var replicaURLs: [String] = []

    @Option(name: .customLong("replicas"), help: ArgumentHelp(
        "A TOML file of [[replica]] tables: url, and optionally node, zone, max_ongoing_requests.", valueName: "file"))
    var replicaFile: String?

    @Option(help: "The router's node, for the locality tiers (default node-a).")
    var node: String?

    @Option(help: "The router's zone, for the locality tiers (default zone-1).")
    var zone: String?

    @Option(name: .customLong("routing-timeout-s"), help: "Seconds a request may wait for a replica before 503 (default 30).")
    var routingTimeout: String?

    @Option(name: .customLong("max-reroutes"), help: "Times a request is routed again after a replica failed (default 3).")
    var maxReroutes: String?

    @Option(name: .customLong("request-timeout-s"), help: "Seconds a request may take in all before 504 (default 60).")
    var requestTimeout: String?

    @Option(name: .customLong("max-pending"), help: "Requests that may wait for a replica; more get 503 (default 10000).")
    var maxPending: String?

    @Option(name: .customLong("probe-path"), help: "The replicas' queue-length endpoint (default /-/queue-length).")
    var probePath: String?

    @Option(name: .customLong("header-timeout-s"), help: "Seconds a client may take to send a request head before 408 (default 10).")
    var headerTimeout: String?

    @Option(name: .customLong("idle-timeout-s"), help: "Seconds a keep-alive client connection may stay idle before it is closed (default 60).")
    var idleTimeout: String?

    @Option(name: .customLong("max-connections"), help: "Client connections open at once; more are closed at once (default: half the descriptor limit, less 64).")
    var maxConnections: String?

    @Option(name: .customLong("body-budget-mb"), help: "MiB of request bodies held for all requests together; over it, 503 (default 64).")
    var bodyBudget: String?

    @Option(name: .customLong("event-loops"), help: """
        Threads carrying client connections; the router runs on the first and the others hand it \
        their requests (default: one per core, at most 64).
        """)
    var eventLoops: String?

    @Flag(name: .customLong("allow-connect"), help: "Pass CONNECT requests to replicas instead of answering 405.")
    var allowConnect = false

    @Flag(help: "Run the proxy with no screen, logging to --log-file or standard error; stop with SIGINT or SIGTERM.")
    var headless = false

    /// True when any proxy option was given, so the proxy runs instead of the simulated fleet.
    var isRequested: Bool {
        listen != nil || !replicaURLs.isEmpty || replicaFile != nil || headless || routingTimeout != nil
            || node != nil || zone != nil
            || maxReroutes != nil || requestTimeout != nil || maxPending != nil || probePath != nil
            || headerTimeout != nil || idleTimeout != nil || maxConnections != nil || bodyBudget != nil || allowConnect
            || eventLoops != nil
    }
}

/// `--listen HOST:PORT`, shared by the router and `routertop replica` so both read it alike.
struct ListenOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Listen on HOST:PORT (port 0 picks a free one). For the router, this forwards real HTTP traffic (proxy mode).",
        valueName: "host:port"))
    var listen: String?
}
