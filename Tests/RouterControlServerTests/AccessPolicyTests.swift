import RouterAPI
@testable import RouterControlServer
import Testing

@Suite struct AccessPolicyTests {
    let tokens = AdminTokens.single("s3cret-token-0123456789", label: "ops-bot")

    @Test func theUnixSocketMayWriteAsThePeersLogin() {
        let decision = AccessPolicy.decide(isWrite: true, transport: .unixSocket(login: "alice"), authorization: nil,
                                           claimedAddress: "203.0.113.9", readOnlyClient: false, tokens: nil)
        guard case .allow(let caller) = decision else { Issue.record("\(decision)"); return }
        #expect(caller.origin.description == "alice from 203.0.113.9")
    }

    @Test func aReadOnlyClientIsRefusedWrites() {
        let decision = AccessPolicy.decide(isWrite: true, transport: .unixSocket(login: "alice"), authorization: nil,
                                           claimedAddress: nil, readOnlyClient: true, tokens: nil)
        #expect(decision == .deny(status: 403, message: "this client attached read-only"))
    }

    @Test func loopbackReadsNeedNoTokenButWritesDo() {
        let read = AccessPolicy.decide(isWrite: false, transport: .tcp(address: "127.0.0.1", loopback: true),
                                       authorization: nil, claimedAddress: nil, readOnlyClient: false, tokens: tokens)
        guard case .allow = read else { Issue.record("\(read)"); return }
        let write = AccessPolicy.decide(isWrite: true, transport: .tcp(address: "127.0.0.1", loopback: true),
                                        authorization: nil, claimedAddress: nil, readOnlyClient: false, tokens: tokens)
        #expect(write == .deny(status: 401, message: "writes over TCP need Authorization: Bearer TOKEN"))
    }

    @Test func aValidTokenWritesUnderItsLabel() {
        let decision = AccessPolicy.decide(isWrite: true, transport: .tcp(address: "10.1.2.3", loopback: false),
                                           authorization: "Bearer s3cret-token-0123456789", claimedAddress: nil,
                                           readOnlyClient: false, tokens: tokens)
        guard case .allow(let caller) = decision else { Issue.record("\(decision)"); return }
        #expect(caller.origin.description == "ops-bot from 10.1.2.3")
    }

    @Test func aWrongTokenOrNoneFromAfarIsRefused() {
        let wrong = AccessPolicy.decide(isWrite: false, transport: .tcp(address: "10.1.2.3", loopback: false),
                                        authorization: "Bearer s3cret-token-0123456788", claimedAddress: nil,
                                        readOnlyClient: false, tokens: tokens)
        #expect(wrong == .deny(status: 401, message: "the bearer token is not valid"))
        let none = AccessPolicy.decide(isWrite: false, transport: .tcp(address: "10.1.2.3", loopback: false),
                                       authorization: nil, claimedAddress: nil, readOnlyClient: false, tokens: tokens)
        #expect(none == .deny(status: 401, message: "requests from 10.1.2.3 need Authorization: Bearer TOKEN"))
    }

    @Test func tokensCompareWholly() {
        #expect(AdminTokens.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AdminTokens.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!AdminTokens.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!AdminTokens.constantTimeEqual(Array("".utf8), Array("a".utf8)))
    }
}
