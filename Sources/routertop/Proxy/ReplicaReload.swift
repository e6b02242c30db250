import Foundation
import Logging
import RouterEngine
import RouterHTTP

/// SIGHUP in a headless router: the `--replicas` file is read again and the difference applied.
enum ReplicaReload {
    static func reread(_ file: String?, server: ProxyServer, logger: Logger) {
        guard let file else {
            logger.info("SIGHUP: there is no --replicas file to read again; the replicas stay as they are")
            return
        }
        let specs: [ReplicaSpec]
        do {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            specs = try ReplicaFile.parse(text, name: file).get()
        } catch let error as ProxyStartupError {
            refuse("\(error.message); the replicas stay as they are", server: server)
            return
        } catch {
            refuse("--replicas=\(file) cannot be read (\(error.localizedDescription)); the replicas stay as they are",
                   server: server)
            return
        }
        server.live.withHost { host in
            guard let proxy = host as? ProxyHost else { return }
            proxy.reload(specs, by: CommandOrigin(user: "SIGHUP", uid: UInt32(getuid()), via: .reload)) { summary in
                logger.info("SIGHUP: re-read \(file): \(summary)")
            }
        }.whenFailure { _ in }
    }

    /// A refused reload is a warning in the event log (so the API and the dashboard show it) and in
    /// the log.
    private static func refuse(_ reason: String, server: ProxyServer) {
        server.live.withHost { host in
            (host as? ProxyHost)?.router.record(.warning, "SIGHUP: reload refused: \(reason)")
        }.whenFailure { _ in }
    }
}
