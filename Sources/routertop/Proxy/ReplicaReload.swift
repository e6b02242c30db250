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
            logger.warning("SIGHUP: \(error.message); the replicas stay as they are")
            return
        } catch {
            logger.warning("SIGHUP: --replicas=\(file) cannot be read (\(error.localizedDescription)); the replicas stay as they are")
            return
        }
        server.live.withHost { host in
            (host as? ProxyHost)?.reload(specs, by: CommandOrigin(user: "SIGHUP", uid: UInt32(getuid()), via: .reload)) ?? "not a proxy"
        }.whenSuccess { summary in
            logger.info("SIGHUP: re-read \(file): \(summary)")
        }
    }
}
