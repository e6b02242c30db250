import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Plain loopback TCP sockets for tests that talk to a server the way any client would.

/// A TCP socket connected to 127.0.0.1:`port`, for the caller to close; nil when nobody listens.
public func connectedLoopbackSocket(port: Int) -> Int32? {
    guard let (fd, initial) = loopbackSocket(port: port) else { return nil }
    var address = initial
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else {
        close(fd)
        return nil
    }
    return fd
}

/// A new TCP socket and the 127.0.0.1 address at `port` (0: any), for the caller to bind or connect
/// and then close.
public func loopbackSocket(port: Int) -> (Int32, sockaddr_in)? {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return (fd, address)
}

/// A TCP port nobody listens on now (bound and released; the test binds it soon after).
public func freeLoopbackPort() -> Int? {
    guard let (fd, initial) = loopbackSocket(port: 0) else { return nil }
    var address = initial
    defer { close(fd) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
