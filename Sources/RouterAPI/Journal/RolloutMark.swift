/// The rollout a change belongs to: one id shared by every router the rollout reached, and the
/// names of all its targets, so each router's journal tells the whole change apart from its part.
public struct RolloutMark: Equatable, Hashable, Sendable, Codable {
    public var id: String
    public var targets: [String]

    public init(id: String, targets: [String]) {
        self.id = id
        self.targets = targets
    }

    /// The request header that carries the id (`x-routertop-rollout: r-20261202-151203-4f1c`).
    public static let idHeader = "x-routertop-rollout"
    /// The request header that carries the targets, comma-separated.
    public static let targetsHeader = "x-routertop-rollout-targets"
    /// The most targets one rollout names; a longer list is refused, never cut.
    public static let maxTargets = 256
    /// The longest id and the longest target name.
    public static let maxIDLength = 64
    public static let maxTargetLength = 256

    /// Reads the two headers; nil when no rollout is named, or a 400 naming what is wrong.
    public static func parse(id: String?, targets: String?) -> Result<RolloutMark?, ControlEndpoint.Problem> {
        guard let id, !id.isEmpty else {
            guard let targets, !targets.isEmpty else { return .success(nil) }
            return .failure(.init(status: 400, message: "\(targetsHeader) needs \(idHeader) beside it"))
        }
        let allowed = id.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }
        guard id.count <= maxIDLength, allowed else {
            return .failure(.init(status: 400, message: "\(idHeader): \(id) is not a rollout id; it must be 1 to "
                + "\(maxIDLength) letters, digits, '-', '_' or '.'"))
        }
        let names = (targets ?? "").split(separator: ",").map { String($0).trimmingSpaces }
        guard names.count <= maxTargets else {
            return .failure(.init(status: 400, message: "\(targetsHeader) names \(names.count) routers; at most \(maxTargets)"))
        }
        if let long = names.first(where: { $0.isEmpty || $0.count > maxTargetLength }) {
            return .failure(.init(status: 400, message: "\(targetsHeader): \"\(long)\" is not a router name "
                + "(1 to \(maxTargetLength) characters)"))
        }
        return .success(RolloutMark(id: id, targets: names))
    }

    /// The targets as the header carries them.
    public var targetsHeaderValue: String { targets.joined(separator: ",") }

    enum CodingKeys: String, CodingKey {
        case id = "rollout_id"
        case targets
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
