/// The headers the router adds to a head it passes on, kept inline: at most three (the request id,
/// the framing and `Connection`). An array of them was an allocation, grown on its first append,
/// for every head in each direction.
struct AddedHeaders {
    /// The most it holds; one more is a programming error.
    static let capacity = 3

    private var first: (name: String, value: String)?
    private var second: (name: String, value: String)?
    private var third: (name: String, value: String)?
    private(set) var count = 0

    init() {}

    /// The headers of `headers`, in order.
    init(_ headers: [(String, String)]) {
        for (name, value) in headers { append(name, value) }
    }

    mutating func append(_ name: String, _ value: String) {
        switch count {
        case 0: first = (name, value)
        case 1: second = (name, value)
        case 2: third = (name, value)
        default: preconditionFailure("more than \(Self.capacity) headers added to a head")
        }
        count += 1
    }

    /// Calls `body` with each header's name and value, in the order they were added.
    func forEach(_ body: (String, String) -> Void) {
        if let first { body(first.name, first.value) }
        if let second { body(second.name, second.value) }
        if let third { body(third.name, third.value) }
    }

    /// The bytes they take as header lines (`name: value` and CRLF each).
    var lineBytes: Int {
        var size = 0
        forEach { name, value in size += name.utf8.count + value.utf8.count + 4 }
        return size
    }
}
