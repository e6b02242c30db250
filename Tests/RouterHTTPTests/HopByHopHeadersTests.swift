import NIOHTTP1
import Testing

@testable import RouterHTTP

@Suite("hop-by-hop headers")
struct HopByHopHeadersTests {
    @Test("connection headers and the headers Connection names are removed; the rest stays in order")
    func removesHopByHop() {
        let headers = HTTPHeaders([
            ("Server", "nginx"), ("Connection", "keep-alive, X-Private , close"), ("Keep-Alive", "timeout=5"),
            ("x-private", "secret"), ("Content-Length", "3"), ("Upgrade", "h2c"), ("TE", "trailers"),
            ("User-Agent", "same length as connection"), ("PROXY-AUTHORIZATION", "x"), ("Trailer", "y"),
            ("Proxy-Connection", "z"), ("Proxy-Authenticate", "w"), ("tf", "kept"),
        ])
        let (kept, chunked) = HopByHopHeaders.passing(headers)
        #expect(!chunked)
        #expect(kept.map(\.name) == ["Server", "Content-Length", "User-Agent", "tf"])
    }

    @Test("a chunked message is reported, so the next hop frames it again")
    func reportsChunked() {
        let headers = HTTPHeaders([("Transfer-Encoding", "gzip, Chunked"), ("Host", "a")])
        let (kept, chunked) = HopByHopHeaders.passing(headers)
        #expect(chunked)
        #expect(kept.map(\.name) == ["Host"])
    }

    @Test("a message without hop-by-hop headers is left as it is")
    func leavesOthers() {
        let headers = HTTPHeaders([("Host", "a"), ("Accept", "*/*"), ("X-Request-Id", "7")])
        let (kept, chunked) = HopByHopHeaders.passing(headers)
        #expect(!chunked)
        #expect(kept == headers)
    }

    @Test("an empty Connection value or empty tokens change nothing else")
    func emptyTokens() {
        let (kept, _) = HopByHopHeaders.passing(HTTPHeaders([("Connection", " , ,"), ("Host", "a")]))
        #expect(kept.map(\.name) == ["Host"])
    }
}
