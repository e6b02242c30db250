import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Unix socket that accepts connections and answers as little as a test asks: nothing at all,
/// or one given answer to `GET /v1/snapshot` and only the head of a snapshot stream.
final class SilentRouter: @unchecked Sendable {
    let path: String
    private let listener: Int32
    private let snapshotAnswer: [UInt8]?
    /// One line the snapshot stream sends after its head (then nothing).
    private let streamLine: [UInt8]?
    private let lock = NSLock()
    private var accepted: [Int32] = []

    /// - Parameters:
    ///   - snapshotBody: the body answered to `GET /v1/snapshot`; nil to accept and never answer.
    ///   - streamLine: a line the stream sends once after its head.
    init(path: String, snapshotBody: [UInt8]?, streamLine: [UInt8]? = nil) throws {
        self.path = path
        self.streamLine = streamLine
        snapshotAnswer = snapshotBody.map {
            Array("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \($0.count)\r\n\r\n".utf8) + $0
        }
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw PlainSocket.Failure.connect(errno) }
        guard snapshotAnswer != nil else { return }
        Thread.detachNewThread { [self] in serve() }
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            lock.withLock { accepted.append(client) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0, let snapshotAnswer else { continue }
            let request = String(decoding: buffer[0..<count], as: UTF8.self)
            var answer = snapshotAnswer
            if request.hasPrefix("GET /v1/snapshots") {
                answer = Array("HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n".utf8)
                if let streamLine {
                    answer += Array("\(String(streamLine.count + 1, radix: 16))\r\n".utf8) + streamLine + Array("\n\r\n".utf8)
                }
            }
            _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        lock.withLock { accepted.forEach { close($0) } }
        unlink(path)
    }
}
