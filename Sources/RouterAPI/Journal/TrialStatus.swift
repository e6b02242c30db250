/// A settings change on trial: reverted by itself unless confirmed before its deadline.
public struct TrialStatus: Equatable, Sendable, Codable {
    /// Who started it ("alice from 10.0.0.5").
    public var by: String
    /// The trial's length, as asked.
    public var seconds: Int
    /// Seconds left when the snapshot was taken.
    public var secondsLeft: Double
    /// What the trial changed, in words.
    public var summary: String

    public init(by: String, seconds: Int, secondsLeft: Double, summary: String) {
        self.by = by
        self.seconds = seconds
        self.secondsLeft = secondsLeft
        self.summary = summary
    }

    /// The longest trial allowed: an hour.
    public static let maxSeconds = 3600

    /// The header's words: "trial by alice: reverts in 27 s unless confirmed (c)".
    public var headerText: String {
        "trial by \(by): reverts in \(Int(secondsLeft.rounded(.up))) s unless confirmed (c)"
    }

    enum CodingKeys: String, CodingKey {
        case by, summary
        case seconds = "length_s"
        case secondsLeft = "left_s"
    }
}
