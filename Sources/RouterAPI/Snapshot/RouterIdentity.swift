import Foundation

/// Which router a snapshot comes from: what kind it is and who, so a fleet of them can be told apart.
public struct RouterIdentity: Equatable, Sendable {
    /// The name its control socket goes by (`routertop list` shows it); empty when it has none.
    public var name: String
    /// The operating-system process that routes.
    public var pid: Int32?
    /// The command line the process was started with (its arguments after the program), so a
    /// second start of proxy mode with other flags can say which differ; nil when not known.
    public var arguments: [String]?
    /// For a Ray Serve router: its application, deployment, handle source (`PROXY`, `REPLICA`, …),
    /// Ray node id, actor id and Ray's version.
    public var ray: RayIdentity?

    public init(name: String = "", pid: Int32? = nil, ray: RayIdentity? = nil) {
        self.name = name
        self.pid = pid
        self.ray = ray
    }

    /// The identity of this process under `name`.
    public static func thisProcess(name: String) -> RouterIdentity {
        var identity = RouterIdentity(name: name, pid: ProcessInfo.processInfo.processIdentifier)
        identity.arguments = Array(ProcessInfo.processInfo.arguments.dropFirst())
        return identity
    }
}

/// Where a Ray Serve router lives.
public struct RayIdentity: Equatable, Sendable {
    public var application: String
    public var deployment: String
    public var handleSource: String
    public var nodeID: String?
    public var actorID: String?
    public var rayVersion: String?

    public init(
        application: String, deployment: String, handleSource: String, nodeID: String? = nil, actorID: String? = nil,
        rayVersion: String? = nil
    ) {
        self.application = application
        self.deployment = deployment
        self.handleSource = handleSource
        self.nodeID = nodeID
        self.actorID = actorID
        self.rayVersion = rayVersion
    }
}

/// What kind of router speaks the control API.
public enum RouterKind: String, Sendable, Codable, CaseIterable {
    case simulated
    case proxy
    case ray
}
