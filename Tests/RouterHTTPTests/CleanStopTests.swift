import NIOCore
import RouterEngine
@testable import RouterHTTP
import Foundation
import TestSupport
import Testing

@Suite("front door: a clean stop on loopback", .serialized)
struct CleanStopTests {
    @Test("a clean stop closes idle keep-alive connections at once and answers the request in progress with Connection: close")
    func keepAliveClientsAtAStop() async throws {
        let fixture = try await ProxyFixture.start([ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(800))])
        let idle = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
        let busy = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
        try await idle.send("GET /first HTTP/1.1\r\nhost: a\r\n\r\n")
        try await poll("the idle client's first answer") { try await idle.received().contains("ok /first") }
        try await busy.send("GET /busy HTTP/1.1\r\nhost: a\r\n\r\n")
        try await poll("the busy client's request to reach the replica") {
            try await fixture.proxy.totals().get().running == 1
        }

        let stopped = fixture.proxy.shutdown(grace: .seconds(5))
        try await poll("the idle connection to close") { try await idle.isClosed }
        #expect(try await !busy.isClosed, "the request in progress is not cut")
        #expect(try await fixture.proxy.totals().get().running == 1)

        try await poll("the busy client's answer and the close after it") { try await busy.isClosed }
        let answer = try await busy.received().lowercased()
        #expect(answer.hasPrefix("http/1.1 200"), "\(answer)")
        #expect(answer.contains("\r\nconnection: close\r\n"), "the answer says the connection closes: \(answer)")
        #expect(answer.contains("ok /busy"))
        try await stopped.get()
        #expect(try await fixture.proxy.totals().get().completed == 2)
        #expect(try await fixture.proxy.withRouter { $0.isShutDown }.get(), "the router is shut down when the stop completes")

        for replica in fixture.replicas { try? await replica.stop().get() }
        try await fixture.clientGroup.shutdownGracefully()
        try await fixture.proxyGroup.shutdownGracefully()
        try await fixture.replicaGroup.shutdownGracefully()
    }
}
