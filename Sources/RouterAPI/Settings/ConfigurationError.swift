/// A setting that was refused, with a message an operator can act on.
///
/// It reads `SUBJECT=VALUE PROBLEM; it must be ALLOWED`, where the subject is what the operator
/// typed the value into: an environment variable, a flag, a file key or an editor field.
public struct ConfigurationError: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    public var subject: String
    public var value: String
    public var problem: String
    public var allowed: String

    public init(subject: String, value: String, problem: String, allowed: String) {
        self.subject = subject
        self.value = value
        self.problem = problem
        self.allowed = allowed
    }

    public var description: String { "\(subject)=\(value) \(problem); it must be \(allowed)" }

    /// The reason alone, for a form that already shows the field and the value.
    public var reason: String { "\(problem); it must be \(allowed)" }
}
