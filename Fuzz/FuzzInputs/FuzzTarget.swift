/// Every parser of outside input, each fed raw bytes. What a target proves is that no input
/// crashes, traps or hangs the parser; `answer` and `request` also hold the router's readers of
/// replica answers and client requests to NIO's decoders on every message both read.
enum FuzzTarget: String, CaseIterable {
    case scenario
    case replicas
    case theme
    case environment
    case editor
    case http
    case answer
    case request
    case snapshot
    case control

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .scenario: FileTargets.scenario(bytes)
        case .replicas: FileTargets.replicas(bytes)
        case .theme: FileTargets.theme(bytes)
        case .environment: ValueTargets.environment(bytes)
        case .editor: ValueTargets.editor(bytes)
        case .http:
            #if DEBUG
            FrontDoorTarget.run(bytes)
            #endif
        case .answer:
            #if DEBUG
            ReplicaAnswerTarget.run(bytes)
            #endif
        case .request:
            #if DEBUG
            ClientRequestTarget.run(bytes)
            #endif
        case .snapshot: SnapshotTarget.run(bytes)
        case .control: ControlBodyTarget.run(bytes)
        }
    }
}
