import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `routertop` process started by a test, with its standard error in a file.
final class RoutertopProcess {
    let process = Process()
    let errorFile: URL

    /// - Parameter environment: added to the test's own environment.
    convenience init(_ arguments: [String], directory: URL, name: String, environment: [String: String] = [:]) throws {
        try self.init(executable: PackagePaths.routertop, arguments, directory: directory, name: name,
                      environment: environment)
    }

    /// Another program a test needs (a Prometheus server), run the same way.
    static func external(_ executable: String, _ arguments: [String], directory: URL, name: String) throws -> RoutertopProcess {
        try RoutertopProcess(executable: executable, arguments, directory: directory, name: name)
    }

    private init(executable: String, _ arguments: [String], directory: URL, name: String,
                 environment extra: [String: String] = [:]) throws {
        errorFile = directory.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // State (the change journal) goes to the test's folder, so no test sees another's changes.
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = directory.appendingPathComponent("state").path
        // Control sockets too, so a test never leaves one among the user's routers.
        let runtime = directory.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        environment["XDG_RUNTIME_DIR"] = runtime
        environment.merge(extra) { _, added in added }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
    }

    var standardError: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Waits for the process to end, up to `timeout`; returns its exit status, or nil if it still runs.
    func waitForExit(timeout: Duration = .seconds(10)) -> Int32? {
        waitFor(timeout) { process.isRunning ? nil : process.terminationStatus }
    }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Stops the process if it still runs (tests always clean up what they started).
    func stop() {
        guard process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }
}

/// Finds the port in the first line of `text` that reads "listening on HOST:PORT".
func listeningPort(in text: String) -> Int? {
    for line in text.split(separator: "\n") {
        guard let range = line.range(of: "listening on ") else { continue }
        let address = line[range.upperBound...].prefix { !$0.isWhitespace }
        if let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) {
            return port
        }
    }
    return nil
}

/// One HTTP/1.1 GET over a plain socket; returns the status code and the body.
func httpGet(port: Int, path: String, headers: [String: String] = [:]) -> (status: Int, body: String)? {
    httpRequest(port: port, method: "GET", path: path, headers: headers)
}

/// One HTTP/1.1 request without a body over a plain socket; returns the status code and the body.
func httpRequest(port: Int, method: String, path: String, headers: [String: String] = [:]) -> (status: Int, body: String)? {
    httpResponse(port: port, method: method, path: path, headers: headers).map { ($0.status, $0.body) }
}

/// A whole answer: status, header lines and body.
struct HTTPAnswer {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    /// The first value of the header `name`, whatever its case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One HTTP/1.1 request without a body over a plain socket; returns the whole answer, parsed.
func httpResponse(port: Int, method: String, path: String, headers: [String: String] = [:]) -> HTTPAnswer? {
    guard let text = rawHTTPRequest(port: port, method: method, path: path, headers: headers) else { return nil }
    guard text.hasPrefix("HTTP/1.1 "), let status = Int(text.dropFirst(9).prefix(3)) else { return nil }
    let headEnd = text.range(of: "\r\n\r\n")
    let body = headEnd.map { String(text[$0.upperBound...]) } ?? ""
    let head = headEnd.map { String(text[..<$0.lowerBound]) } ?? text
    let fields = head.components(separatedBy: "\r\n").dropFirst().compactMap { line -> (name: String, value: String)? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    let chunked = fields.contains { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased().contains("chunked") }
    return HTTPAnswer(status: status, headers: fields, body: chunked ? dechunked(body) : body)
}

/// A chunked body's data, without its framing.
private func dechunked(_ framed: String) -> String {
    var rest = Array(framed.utf8)[...]
    var data: [UInt8] = []
    while let lineEnd = rest.firstIndex(of: UInt8(ascii: "\r")) {
        let sizeText = String(decoding: rest[..<lineEnd], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
        guard let size = Int(sizeText, radix: 16), size > 0 else { break }
        let start = lineEnd + 2
        guard start + size <= rest.endIndex else { break }
        data += rest[start..<start + size]
        rest = rest[min(start + size + 2, rest.endIndex)...]
    }
    return String(decoding: data, as: UTF8.self)
}

/// One HTTP/1.1 request without a body over a plain socket; returns the whole answer, head included.
func rawHTTPRequest(port: Int, method: String = "GET", path: String, headers: [String: String] = [:]) -> String? {
    guard let fd = connectedLoopbackSocket(port: port) else { return nil }
    defer { close(fd) }
    let extra = headers.keys.sorted().map { "\($0): \(headers[$0]!)\r\n" }.joined()
    let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 0\r\nConnection: close\r\n\(extra)\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        received.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: received, as: UTF8.self)
}
