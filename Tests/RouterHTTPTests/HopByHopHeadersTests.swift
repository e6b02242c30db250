import NIOHTTP1
import Testing

@testable import RouterHTTP

@Suite("hop-by-hop headers")
struct HopByHopHeadersTests {
    @Test("connection headers and the headers Connection names are removed; the rest stays in order")
    func removesHopByHop() {
        var headers = HTTPHeaders([
            ("Server", "nginx"), ("Connection", "keep-alive, X-Private , close"), ("Keep-Alive", "timeout=5"),
            ("x-private", "secret"), ("Content-Length", "3"), ("Upgrade", "h2c"), ("TE", "trailers"),
            ("User-Agent", "same length as connection"), ("PROXY-AUTHORIZATION", "x"), ("Trailer", "y"),
            ("Proxy-Connection", "z"), ("Proxy-Authenticate", "w"), ("tf", "kept"),
        ])
        let chunked = HopByHopHeaders.strip(&headers)
        #expect(!chunked)
        #expect(headers.map(\.name) == ["Server", "Content-Length", "User-Agent", "tf"])
    }

    @Test("a chunked message is reported, so the next hop frames it again")
    func reportsChunked() {
        var headers = HTTPHeaders([("Transfer-Encoding", "gzip, Chunked"), ("Host", "a")])
        #expect(HopByHopHeaders.strip(&headers))
        #expect(headers.map(\.name) == ["Host"])
    }

    @Test("a message without hop-by-hop headers is left as it is")
    func leavesOthers() {
        var headers = HTTPHeaders([("Host", "a"), ("Accept", "*/*"), ("X-Request-Id", "7")])
        let before = headers
        #expect(!HopByHopHeaders.strip(&headers))
        #expect(headers == before)
    }

    @Test("an empty Connection value or empty tokens change nothing else")
    func emptyTokens() {
        var headers = HTTPHeaders([("Connection", " , ,"), ("Host", "a")])
        HopByHopHeaders.strip(&headers)
        #expect(headers.map(\.name) == ["Host"])
    }
}
