import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking client socket driven byte by byte, for clients that misbehave on purpose: silent,
/// half-sent, malformed or never reading.
final class PlainSocket {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    enum Failure: Error {
        case connect(Int32)
    }

    /// Connects to a Unix socket; `receiveBuffer` shrinks the kernel's buffer for clients that do not read.
    static func unix(_ path: String, receiveBuffer: Int32? = nil) throws -> PlainSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure.connect(errno)
        }
        return PlainSocket(fd: fd)
    }

    /// Connects to 127.0.0.1:`port`.
    static func loopback(port: Int) throws -> PlainSocket {
        guard let fd = connectedLoopbackSocket(port: port) else { throw Failure.connect(errno) }
        return PlainSocket(fd: fd)
    }

    func transmit(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            sent += written
        }
    }

    /// Sends what the socket takes within `timeout` without blocking; the bytes sent.
    @discardableResult
    func transmitWithoutWaiting(_ text: String, timeout: Duration) -> Int {
        let bytes = Array(text.utf8)
        let deadline = ContinuousClock.now + timeout
        var sent = 0
        while sent < bytes.count, ContinuousClock.now < deadline {
            let written = bytes[sent...].withUnsafeBytes {
                send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if written > 0 {
                sent += written
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                usleep(5_000)
            } else {
                break
            }
        }
        return sent
    }

    /// Everything received until the server closes the connection or `timeout` passes; `closed`
    /// says which.
    func readUntilClosed(timeout: Duration) -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    /// Ends the connection both ways (the descriptor is closed at deinit).
    func hangUp() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    deinit {
        close(fd)
    }
}
