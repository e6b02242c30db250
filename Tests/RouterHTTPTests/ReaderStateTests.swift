import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@testable import RouterHTTP

/// A connection's reader (`RequestReader` in the front door's handler, `AnswerReader` in an
/// upstream connection) goes without run-time exclusivity checks: sound only while it holds values
/// alone, so that reading runs no code but its own (see `LeafStateTests`).
@Suite("Readers kept without exclusivity checks")
struct ReaderStateTests {
    @Test("a request reader in the middle of a chunked body holds no class instance and no closure")
    func requestReaderHoldsValuesOnly() throws {
        var reader = RequestReader()
        var input = ByteBuffer(string: "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
        var parts = 0
        while try reader.next(&input) != nil { parts += 1 }
        #expect(parts == 2, "the head and the first part of the chunk")
        #expect(referencesAndClosures(in: reader).isEmpty)
    }

    @Test("an answer reader with answers owed, spare fields and a head in pieces holds no class instance and no closure")
    func answerReaderHoldsValuesOnly() throws {
        var reader = AnswerReader()
        reader.requestWritten(.GET)
        reader.requestWritten(.HEAD)
        reader.requestWritten(.GET)
        var input = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Le")
        var head: ReplicaHead?
        while let part = try reader.next(&input) {
            if case .head(let read, _) = part { head = read }
        }
        let fields = try #require(head?.fields)
        #expect(fields.count == 2 && input.readableBytes == "HTTP/1.1 200 OK\r\nContent-Le".utf8.count, "the second head waits for its end")
        reader.recycle(fields)
        #expect(referencesAndClosures(in: reader).isEmpty)
    }
}
