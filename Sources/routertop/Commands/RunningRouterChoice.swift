import RouterAttach
import RouterAPI
import RouterControlServer

/// The router a bare `routertop attach` means: the one running here, or why there is none to pick.
enum RunningRouterChoice {
    /// The most names a refusal lists; the rest are counted.
    static let namesListed = 10

    /// The live router's socket when exactly one runs in this user's socket folder; otherwise a
    /// one-line reason (none runs, or several do and they are listed).
    static func only(environment: [String: String]) -> Result<AttachTarget, AttachError> {
        let directory = ControlSocketPath.directory(environment: environment)
        // A socket nothing answers on is left by a router that died: it is not one to attach to.
        let live = ControlSocketPath.names(in: directory).filter {
            ControlSocketGuard.occupant(of: directory + "/\($0).sock") == .live
        }
        switch live.count {
        case 0:
            return .failure(AttachError(
                "no router is running in \(directory); start one (`routertop`, or proxy mode with --listen), "
                    + "or name one: routertop attach NAME|PATH|http://HOST:PORT"))
        case 1:
            return .success(.unixSocket(path: directory + "/\(live[0]).sock"))
        default:
            var listed = live.prefix(namesListed).joined(separator: ", ")
            if live.count > namesListed { listed += " and \(live.count - namesListed) more" }
            return .failure(AttachError(
                "\(live.count) routers are running (\(listed)); name one: routertop attach NAME (see routertop list)"))
        }
    }
}
