import Foundation
import Logging
import NIOCore
import NIOPosix
import RouterAPI
import RouterControlServer
import RouterHTTP

/// Starts the control API of a live router from the command line's options, or stops start-up
/// with exit status 2 and one line naming what is wrong.
struct ControlSetup {
    let server: ControlServer
    let group: MultiThreadedEventLoopGroup

    /// - Parameter defaultName: the name when `--name` is not given.
    static func start(
        _ options: ControlOptions, control: any RouterControl, defaultName: String, environment: [String: String],
        logger: Logger, metrics: RouterMetrics, stop: (@Sendable (CommandOrigin) -> CommandResult)? = nil,
        journal: (any JournalSource)? = nil
    ) -> ControlSetup {
        let implicit = isImplicit(options)
        let admin = adminListener(options, environment: environment)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let service = ControlService(control: control, metrics: metrics, stop: stop, journal: journal)
        var path = socketPath(options, defaultName: defaultName, environment: environment)
        var number = 2
        while true {
            switch ControlServer.start(service: service, socketPath: path, admin: admin, group: group) {
            case .success(let server):
                logger.info("control API on \(path); attach with: routertop attach \(path)")
                if let address = server.adminAddress {
                    logger.info("control API and metrics on http://\(address.ipAddress ?? admin?.host ?? ""):\(address.port ?? 0)")
                }
                return ControlSetup(server: server, group: group)
            case .failure(let problem):
                // Only the implicit name moves aside for another router; a name the operator chose never does.
                if implicit, number < 100, problem.isTaken {
                    path = ControlSocketPath.path(name: "\(defaultName)-\(number)", environment: environment)
                    number += 1
                    continue
                }
                try? group.syncShutdownGracefully()
                failStartup(problem.description)
            }
        }
    }

    /// Whether the socket's name is routertop's choice: then a name a live router holds moves aside to `NAME-2`, ….
    static func isImplicit(_ options: ControlOptions) -> Bool {
        options.name == nil && options.control == nil
    }

    /// The control socket's path from `--control`, or from `--name` and the environment.
    static func socketPath(_ options: ControlOptions, defaultName: String, environment: [String: String]) -> String {
        if let path = options.control {
            guard !path.isEmpty else { failStartup("--control is empty; it must be a socket path") }
            return path
        }
        let name = options.name ?? defaultName
        if let problem = ControlSocketPath.checkName(name) { failStartup(problem.description) }
        return ControlSocketPath.path(name: name, environment: environment)
    }

    private static func adminListener(_ options: ControlOptions, environment: [String: String]) -> ControlServer.AdminListener? {
        guard let text = options.adminListen else {
            if options.adminTokenFile != nil { failStartup("--admin-token-file needs --admin-listen") }
            return nil
        }
        let address: ListenAddress
        switch ListenAddress.parse(text, flag: "--admin-listen") {
        case .failure(let error): failStartup(error.message)
        case .success(let parsed): address = parsed
        }
        var tokens: AdminTokens?
        if let file = options.adminTokenFile {
            switch AdminTokens.load(file: file) {
            case .failure(let problem): failStartup(problem.description)
            case .success(let loaded): tokens = loaded
            }
        } else if let token = environment["ROUTERTOP_ADMIN_TOKEN"] {
            guard token.utf8.count >= 16, !token.contains(" ") else {
                failStartup("ROUTERTOP_ADMIN_TOKEN is shorter than 16 characters or holds a space; it must be a token of 16 or more characters")
            }
            tokens = .single(token)
        }
        let listener = ControlServer.AdminListener(host: address.host, port: address.port, tokens: tokens)
        if !listener.isLoopback, tokens == nil {
            failStartup("--admin-listen=\(text) is not a loopback address and no token is set; set ROUTERTOP_ADMIN_TOKEN or --admin-token-file")
        }
        return listener
    }

    func stop() {
        server.stop()
        try? group.syncShutdownGracefully()
    }
}
