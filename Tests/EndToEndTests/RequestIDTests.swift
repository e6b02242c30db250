import Foundation
import TestSupport
import Testing

/// The id a client sees in `X-Request-Id` leads to the request's trace through the control API.
@Suite("request ids lead to traces (built binary)")
struct RequestIDTests {
    @Test("the router's own id and a client's own X-Request-Id both find the trace; the trace names the model")
    func responseIDFindsTrace() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        // The control socket's folder must be the user's alone.
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "1", "--max-models", "2"],
                                           directory: directory, name: "replica")
        defer { replica.stop() }
        let replicaPort = try #require(await eventually { listeningPort(in: replica.standardError) })
        let socket = directory.appendingPathComponent("router.sock").path
        let log = directory.appendingPathComponent("router.log")
        let router = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--replica", "http://127.0.0.1:\(replicaPort)",
             "--control", socket, "--log-file", log.path],
            directory: directory, name: "router")
        defer { router.stop() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(await eventually { listeningPort(in: readLog()) })
        let api = ControlAPI(socket: socket)

        // No id from the client: the router's own, as the API writes it.
        let plain = try #require(httpResponse(port: port, method: "GET", path: "/plain"))
        #expect(plain.status == 200)
        let ownID = try #require(plain.header("x-request-id"))
        #expect(ownID == "req-1")
        let ownTrace = try #require(api.send("GET", "/v1/trace/\(ownID)"))
        #expect(ownTrace.status == 200, "\(ownTrace.body)")
        let ownJSON = try #require(try JSONSerialization.jsonObject(with: Data(ownTrace.body.utf8)) as? [String: Any])
        #expect(ownJSON["request_id"] as? String == ownID)

        // The client's own id is kept, returned, and finds the trace too; the trace names the model.
        let client = try #require(httpResponse(port: port, method: "GET", path: "/model",
                                               headers: ["X-Request-Id": "my-own-id-42", "serve_multiplexed_model_id": "m7"]))
        #expect(client.status == 200)
        #expect(client.header("x-request-id") == "my-own-id-42")
        let clientTrace = try #require(api.send("GET", "/v1/trace/my-own-id-42"))
        #expect(clientTrace.status == 200, "\(clientTrace.body)")
        let clientJSON = try #require(try JSONSerialization.jsonObject(with: Data(clientTrace.body.utf8)) as? [String: Any])
        #expect(clientJSON["request_id"] as? String == "req-2")
        #expect(clientJSON["external_id"] as? String == "my-own-id-42")
        #expect(clientJSON["model"] as? String == "m7")

        // An id nobody sent is a 404 that says what is searched.
        let missing = try #require(api.send("GET", "/v1/trace/nobody-sent-this"))
        #expect(missing.status == 404)
        #expect(missing.body.contains("X-Request-Id"))
    }
}
