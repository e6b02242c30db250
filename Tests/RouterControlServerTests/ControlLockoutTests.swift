import Foundation
import NIOCore
@testable import RouterControlServer
import Testing

/// Clients that hold control connections without using them, or send garbage, cannot lock the
/// operator out: they are closed at the header or idle timeout or after their 400, each close is
/// counted, and TCP clients never take the Unix socket's places.
@Suite struct ControlLockoutTests {
    static var shortLimits: ControlLimits {
        var limits = ControlLimits()
        limits.connectionsPerListener = 4
        limits.headerTimeout = .milliseconds(300)
        limits.idleTimeout = .milliseconds(600)
        return limits
    }

    static func closed(_ reason: String, in fixture: ControlServerTests.Fixture) throws -> Double {
        let text = try fixture.send("GET", "/metrics").body
        return RouterMetricsTests.value(#"routertop_control_connections_closed_total{reason="\#(reason)"}"#, in: text) ?? -1
    }

    @Test func silentAndHalfSentConnectionsAreClosedAtTheHeaderTimeout() throws {
        let fixture = try ControlServerTests.Fixture(limits: Self.shortLimits)
        let silent = try PlainSocket.unix(fixture.server.socketPath)
        let halfSent = try PlainSocket.unix(fixture.server.socketPath)
        halfSent.transmit("GET /v1/settings HTTP/1.1\r\nhost: x\r\n")
        let silentEnd = silent.readUntilClosed(timeout: .seconds(5))
        let halfSentEnd = halfSent.readUntilClosed(timeout: .seconds(5))
        #expect(silentEnd.closed && halfSentEnd.closed)
        #expect(halfSentEnd.text.hasPrefix("HTTP/1.1 408"), "\(halfSentEnd.text)")
        #expect(try Self.closed("header_timeout", in: fixture) == 2)
    }

    @Test func aConnectionWithNoRequestAfterItsAnswerIsClosedAtTheIdleTimeout() throws {
        let fixture = try ControlServerTests.Fixture(limits: Self.shortLimits)
        let client = try PlainSocket.unix(fixture.server.socketPath)
        client.transmit("GET /v1/settings HTTP/1.1\r\nhost: x\r\n\r\n")
        let end = client.readUntilClosed(timeout: .seconds(5))
        #expect(end.closed)
        #expect(end.text.hasPrefix("HTTP/1.1 200"), "the answer came before the close: \(end.text)")
        #expect(try Self.closed("idle_timeout", in: fixture) == 1)
    }

    @Test func aMalformedRequestIsAnswered400AndItsConnectionClosed() throws {
        let fixture = try ControlServerTests.Fixture()
        let client = try PlainSocket.unix(fixture.server.socketPath)
        client.transmit("FOO / HTTP/1.1\r\n\r\n")
        let end = client.readUntilClosed(timeout: .seconds(3))
        #expect(end.text.hasPrefix("HTTP/1.1 400"), "\(end.text)")
        #expect(end.closed, "a 400 that says connection: close closes")
        #expect(try Self.closed("bad_request", in: fixture) == 1)
    }

    @Test func tcpClientsFillingTheirPlacesLeaveTheUnixSocketsFree() throws {
        var limits = ControlLimits()
        limits.connectionsPerListener = 4
        let fixture = try ControlServerTests.Fixture(admin: .init(host: "127.0.0.1", port: 0, tokens: nil), limits: limits)
        let port = try #require(fixture.server.adminAddress?.port)
        var held: [PlainSocket] = []
        for _ in 0..<limits.connectionsPerListener { held.append(try PlainSocket.loopback(port: port)) }
        // Each held connection is accepted before the next is refused: the kernel accepts in order.
        let over = try PlainSocket.loopback(port: port)
        over.transmit("GET /v1/settings HTTP/1.1\r\nhost: x\r\n\r\n")
        let refused = over.readUntilClosed(timeout: .seconds(5))
        #expect(refused.text.hasPrefix("HTTP/1.1 503"), "\(refused.text)")
        #expect(refused.text.contains("at most 4 connections at once on this listener"))
        let local = try fixture.send("GET", "/v1/settings")
        #expect(local.status == 200, "the Unix socket's places are its own")
        let metrics = try fixture.send("GET", "/metrics").body
        #expect(RouterMetricsTests.value(#"routertop_control_connections_refused_total{listener="tcp"}"#, in: metrics) == 1)
        #expect(RouterMetricsTests.value(#"routertop_control_connections_refused_total{listener="unix"}"#, in: metrics) == 0)
        withExtendedLifetime(held) {}
    }
}
