import RouterAPI

/// Filters and sorts the replicas of a snapshot: one pass and one sort per frame.
enum ReplicaOrdering {
    /// Indices into `replicas`, filtered by `filter` (case-insensitive, on id, node, zone, state
    /// and fault) and sorted; ties go by replica id so rows never jump between frames.
    static func order(_ replicas: [ReplicaSnapshot], sort: ReplicaSort, filter: String) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(replicas.count)
        let needle = Array(filter.lowercased().utf8)
        for (index, replica) in replicas.enumerated() where needle.isEmpty || matches(replica, needle) {
            indices.append(index)
        }
        let descending = sort.descending
        switch sort.column {
        case .id, .location, .source, .fault:
            let keys = replicas.map { textKey($0, sort.column) }
            indices.sort { a, b in
                let order = naturalCompare(keys[a], keys[b])
                if order != 0 { return descending ? order > 0 : order < 0 }
                return tieBreak(replicas, a, b)
            }
        default:
            let keys = replicas.map { numericKey($0, sort.column) }
            indices.sort { a, b in
                if keys[a] != keys[b] { return descending ? keys[a] > keys[b] : keys[a] < keys[b] }
                return tieBreak(replicas, a, b)
            }
        }
        return indices
    }

    private static func tieBreak(_ replicas: [ReplicaSnapshot], _ a: Int, _ b: Int) -> Bool {
        let order = naturalCompare(replicas[a].id.rawValue, replicas[b].id.rawValue)
        return order != 0 ? order < 0 : a < b
    }

    private static func textKey(_ replica: ReplicaSnapshot, _ column: ReplicaColumn) -> String {
        switch column {
        case .location: replica.node + "/" + replica.zone
        case .source: replica.queueSource.rawValue
        case .fault: replica.fault ?? ""
        default: replica.id.rawValue
        }
    }

    /// A sortable number; missing values (no probe answered yet) sort below every real one.
    private static func numericKey(_ replica: ReplicaSnapshot, _ column: ReplicaColumn) -> Double {
        switch column {
        case .queue:
            let limit = max(replica.maxOngoingRequests, 1)
            return Double(replica.queueLength) / Double(limit) + Double(replica.queueLength) * 1e-6
        case .state: return stateRank(replica.state)
        case .inFlight: return Double(replica.inFlight)
        case .routed: return Double(replica.routed)
        case .errors: return Double(replica.errors)
        case .rejected: return Double(replica.rejected)
        case .fullAnswers: return Double(replica.fullAnswers)
        case .probeTimeouts: return Double(replica.probeTimeouts)
        case .retries: return Double(replica.retriesAttributed)
        case .probeRTT: return replica.probeRTT?.secondsValue ?? -1
        case .cacheAge: return replica.cacheAge?.secondsValue ?? -1
        case .p99: return replica.latencyP99?.secondsValue ?? -1
        case .rate: return replica.rate.isFinite ? replica.rate : -1
        case .models: return Double(replica.models?.models.count ?? -1)
        default: return 0
        }
    }

    /// Trouble first when sorted ascending: dead, unavailable, draining, probing, healthy.
    private static func stateRank(_ state: ReplicaState) -> Double {
        switch state {
        case .dead: 0
        case .unavailable: 1
        case .draining: 2
        case .probing: 2.5
        case .healthy: 3
        }
    }

    private static func matches(_ replica: ReplicaSnapshot, _ needle: [UInt8]) -> Bool {
        contains(replica.id.rawValue, needle) || contains(replica.node, needle) || contains(replica.zone, needle)
            || contains(replica.state.rawValue, needle) || contains(replica.fault ?? "", needle)
    }

    /// ASCII case-insensitive substring search over UTF-8 bytes.
    static func contains(_ haystack: String, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        var haystack = haystack
        return haystack.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) {
                var matched = true
                for offset in 0..<needle.count where lower(bytes[start + offset]) != needle[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            return false
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    /// Compares so that `replica-2` comes before `replica-10`: runs of digits compare as numbers.
    static func naturalCompare(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { a in
            rhs.withUTF8 { b in
                var i = 0, j = 0
                while i < a.count, j < b.count {
                    let x = a[i], y = b[j]
                    if isDigit(x), isDigit(y) {
                        var iEnd = i, jEnd = j
                        while iEnd < a.count, a[iEnd] == 48 { iEnd += 1 }
                        while jEnd < b.count, b[jEnd] == 48 { jEnd += 1 }
                        var iStop = iEnd, jStop = jEnd
                        while iStop < a.count, isDigit(a[iStop]) { iStop += 1 }
                        while jStop < b.count, isDigit(b[jStop]) { jStop += 1 }
                        let lengthA = iStop - iEnd, lengthB = jStop - jEnd
                        if lengthA != lengthB { return lengthA < lengthB ? -1 : 1 }
                        for k in 0..<lengthA where a[iEnd + k] != b[jEnd + k] {
                            return a[iEnd + k] < b[jEnd + k] ? -1 : 1
                        }
                        i = iStop
                        j = jStop
                        continue
                    }
                    if x != y { return x < y ? -1 : 1 }
                    i += 1
                    j += 1
                }
                if i < a.count { return 1 }
                if j < b.count { return -1 }
                return 0
            }
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
