/// Finished requests counted by how many routing attempts each needed.
///
/// The usual counts (under `directCount` attempts) are kept in an array, so counting a request is
/// an index instead of a hashed dictionary update; rarer, longer searches go to a dictionary.
struct AttemptCounts {
    static let directCount = 16
    private var direct = [Int](repeating: 0, count: directCount)
    private var beyond: [Int: Int] = [:]

    /// Moves one request to `attempts` (from `previous`, when it was counted before).
    mutating func count(_ attempts: Int, movingFrom previous: Int? = nil) {
        if let previous { add(-1, at: previous) }
        add(1, at: attempts)
    }

    /// The counts, fewest attempts first, without the empty ones.
    var buckets: [AttemptBucket] {
        let few = direct.indices.filter { direct[$0] != 0 }.map { AttemptBucket(attempts: $0, requests: direct[$0]) }
        return few + beyond.keys.sorted().map { AttemptBucket(attempts: $0, requests: beyond[$0] ?? 0) }
    }

    private mutating func add(_ delta: Int, at attempts: Int) {
        if direct.indices.contains(attempts) {
            direct[attempts] += delta
            return
        }
        let count = (beyond[attempts] ?? 0) + delta
        beyond[attempts] = count != 0 ? count : nil
    }
}
