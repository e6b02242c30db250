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
    /// Answers a delta stream (`view=delta`) 400, as a router older than that view does.
    private let refusesDeltas: Bool
    private let lock = NSLock()
    private var accepted: [Int32] = []
    private var requestLines: [String] = []

    /// - Parameters:
    ///   - snapshotBody: the body answered to `GET /v1/snapshot`; nil to accept and never answer.
    ///   - streamLine: a line the stream sends once after its head.
    ///   - refusesDeltas: answer `view=delta` 400, as an older router does.
    init(path: String, snapshotBody: [UInt8]?, streamLine: [UInt8]? = nil, refusesDeltas: Bool = false) throws {
        self.path = path
        self.streamLine = streamLine
        self.refusesDeltas = refusesDeltas
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
            lock.withLock { requestLines.append(request.components(separatedBy: "\r\n").first ?? "") }
            var answer = snapshotAnswer
            if refusesDeltas, request.hasPrefix("GET /v1/snapshots"), request.contains("view=delta") {
                let body = #"{"error": "view=delta is not a snapshot view; it must be full or summary"}"#
                answer = Array(("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
                    + "content-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)").utf8)
            } else if request.hasPrefix("GET /v1/snapshots") {
                answer = Array("HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n".utf8)
                if let streamLine {
                    answer += Array("\(String(streamLine.count + 1, radix: 16))\r\n".utf8) + streamLine + Array("\n\r\n".utf8)
                }
            }
            _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// The request lines received so far (`GET /v1/snapshots?interval_ms=100&view=delta HTTP/1.1`).
    var requests: [String] { lock.withLock { requestLines } }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        lock.withLock { accepted.forEach { close($0) } }
        unlink(path)
    }
}
