/// A control API option that stops start-up, with one line naming it.
public struct ControlStartupError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    /// The socket path belongs to another live router (or another one bound it first).
    public var isTaken: Bool

    public init(_ description: String, isTaken: Bool = false) {
        self.description = description
        self.isTaken = isTaken
    }
}
