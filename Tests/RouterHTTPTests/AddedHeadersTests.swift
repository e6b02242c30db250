import Testing

@testable import RouterHTTP

/// The headers added to a head, held inline: up to three, in the order they were added.
struct AddedHeadersTests {
    @Test(arguments: 0...AddedHeaders.capacity)
    func theHeadersAddedComeBackInOrderWithTheirLineBytes(count: Int) {
        let headers = [("x-request-id", "req-12"), ("transfer-encoding", "gzip, chunked"), ("connection", "close")]
        var added = AddedHeaders()
        for (name, value) in headers.prefix(count) { added.append(name, value) }
        var seen: [String] = []
        added.forEach { name, value in seen.append("\(name): \(value)\r\n") }
        #expect(added.count == count)
        #expect(seen == headers.prefix(count).map { "\($0.0): \($0.1)\r\n" })
        #expect(added.lineBytes == seen.joined().utf8.count)
        let fromList = AddedHeaders(Array(headers.prefix(count)))
        var fromArray: [String] = []
        fromList.forEach { name, _ in fromArray.append(name) }
        #expect(fromArray == headers.prefix(count).map(\.0))
    }
}
