import RouterHTTP
import Testing

@Suite("replica URLs")
struct ReplicaAddressTests {
    @Test("accepted URLs", arguments: [
        ("http://127.0.0.1:9001", "127.0.0.1", 9001, ""),
        ("http://localhost", "localhost", 80, ""),
        ("HTTP://Example.com:8080/api/", "example.com", 8080, "/api"),
        ("http://[::1]:9002", "::1", 9002, ""),
    ])
    func accepted(text: String, host: String, port: Int, basePath: String) throws {
        let address = try ReplicaAddress.parse(text).get()
        #expect(address == ReplicaAddress(host: host, port: port, basePath: basePath))
    }

    @Test("refused URLs name the problem", arguments: [
        ("127.0.0.1:9001", "is not an http:// URL"),
        ("https://a:1", "https"),
        ("http://:9001", "has no host"),
        ("http://a:0", "has port \"0\""),
        ("http://a:99999", "has port \"99999\""),
        ("http://a:9x", "has port \"9x\""),
        ("http://a:1/x?y=1", "query"),
        ("http://u@a:1", "user information"),
    ])
    func refused(text: String, fragment: String) {
        guard case .failure(let error) = ReplicaAddress.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.message.contains(fragment), "\(error.message)")
        #expect(error.message.contains(text))
    }
}

@Suite("replica files")
struct ReplicaFileTests {
    @Test("URLs with control or direction-changing characters are refused, naming the character", arguments: [
        ("http://127.0.0.1:9/\u{1B}]2;PWNED\u{07}", "U+001B"),
        ("http://127.0.0.1:9/a\nb", "U+000A"),
        ("http://127.0.0.1:9/\u{9B}31m", "U+009B"),
        ("http://127.0.0.1:9/\u{202E}gpj", "U+202E"),
    ])
    func refusedControlCharacters(text: String, code: String) {
        guard case .failure(let error) = ReplicaAddress.parse(text) else {
            Issue.record("a URL with \(code) was accepted")
            return
        }
        #expect(error.message == "a replica URL holds the control character \(code); "
            + "URLs may not hold control or direction-changing characters")
    }

    @Test("a file with two replicas")
    func twoReplicas() throws {
        let text = """
            [[replica]]
            url = "http://127.0.0.1:9001"
            node = "node-a"
            zone = "zone-1"
            max_ongoing_requests = 8

            [[replica]]
            url = "http://127.0.0.1:9002"
            """
        let specs = try ReplicaFile.parse(text, name: "r.toml").get()
        #expect(specs.count == 2)
        #expect(specs[0] == ReplicaSpec(address: ReplicaAddress(host: "127.0.0.1", port: 9001), node: "node-a",
                                        zone: "zone-1", maxOngoingRequests: 8))
        #expect(specs[1].maxOngoingRequests == 5)
    }

    @Test("bad files are refused with the line", arguments: [
        ("[[replica]]\nurl = \"http://a:1\"\nmax_ongoing_requests = \n", "r.toml:3: malformed TOML"),
        ("[[replica]]\nurl = \"http://a:1\"\n[[replica]]\nurl = \"http://a:1\"\n", "r.toml:4: replica 2 repeats"),
        ("[[replica]]\nnode = \"x\"\n", "r.toml:1: replica 1 has no url"),
        ("[[replica]]\nurl = \"ftp://a\"\n", "r.toml:2: replica 1 has an unusable url"),
        ("[[replica]]\nurl = \"http://a:1\"\nmax_ongoing_requests = 0\n", "r.toml:3: replica 1 has max_ongoing_requests"),
        ("[[replica]]\nurl = \"http://a:1\"\nweight = 2\n", "r.toml:3: unknown key \"weight\" in [[replica]] #1; known keys: max_ongoing_requests, node, url, zone"),
        ("[replicas]\nurl = \"http://a:1\"\n", "r.toml:1: unknown key \"replicas\" in the top level; known keys: replica"),
        ("", "r.toml: no [[replica]] tables"),
        // Once an abort inside the TOML library rather than an error.
        ("[[replica]]\nurl = \"http://a:1\"\n[\u{E9}]\n", "r.toml:3: malformed TOML: a table name must start with a letter"),
        ("[[ =x]]\n", "r.toml:1: malformed TOML: a table name must start"),
    ])
    func refused(text: String, prefix: String) {
        guard case .failure(let error) = ReplicaFile.parse(text, name: "r.toml") else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(error.message.hasPrefix(prefix), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }
}
