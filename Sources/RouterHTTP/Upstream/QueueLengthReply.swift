import RouterEngine

/// Reads a replica's queue-length reply: `{"queue_length": N, "max_ongoing_requests": M}`, and
/// `"multiplexed_model_ids": [...]` when it serves multiplexed models.
enum QueueLengthReply {
    /// The probe answer: the queue length, and the replica's own maximum when it reports a valid one;
    /// nil when the body does not hold a whole number under `queue_length`.
    static func answer(in body: [UInt8]) -> ProbeAnswer? {
        guard let length = queueLength(in: body) else { return nil }
        let reported = wholeNumber(named: "max_ongoing_requests", in: body).flatMap { $0 >= 1 ? $0 : nil }
        let report = ModelIDsReply.modelIDs(in: body)
        return .queueLength(length, maxOngoingRequests: reported, models: report?.ids, modelsNotKept: report?.notKept ?? 0)
    }

    /// The queue length, or nil when the body does not hold a whole number under `queue_length`.
    static func queueLength(in body: [UInt8]) -> Int? {
        wholeNumber(named: "queue_length", in: body)
    }

    private static func wholeNumber(named name: String, in body: [UInt8]) -> Int? {
        let key = Array("\"\(name)\"".utf8)
        guard let start = firstIndex(of: key, in: body) else { return nil }
        var index = start + key.count
        func skipSpaces() {
            while index < body.count, body[index] == UInt8(ascii: " ") || body[index] == UInt8(ascii: "\t")
                || body[index] == UInt8(ascii: "\n") || body[index] == UInt8(ascii: "\r") {
                index += 1
            }
        }
        skipSpaces()
        guard index < body.count, body[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpaces()
        var value = 0
        var digits = 0
        while index < body.count, body[index] >= UInt8(ascii: "0"), body[index] <= UInt8(ascii: "9") {
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = scaled + Int(body[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        // A fraction or an exponent is not a queue length.
        if index < body.count, body[index] == UInt8(ascii: ".") || body[index] == UInt8(ascii: "e")
            || body[index] == UInt8(ascii: "E") {
            return nil
        }
        return value
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
