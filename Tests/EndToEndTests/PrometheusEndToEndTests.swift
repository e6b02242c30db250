import Foundation
import RouterAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real Prometheus server scrapes a router's `--admin-listen` and finds its series.
@Suite("Prometheus scrapes the router (built binary)")
struct PrometheusEndToEndTests {
    static let prometheus = "/usr/bin/prometheus"

    @Test func aPrometheusServerScrapesCountersThatMatchTheRoutersTotals() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        try #require(FileManager.default.isExecutableFile(atPath: Self.prometheus), "scripts/install-deps.sh installs prometheus")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-prom-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }

        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "1"], directory: directory, name: "replica")
        defer { replica.stop() }
        let replicaPort = try #require(await eventually { listeningPort(in: replica.standardError) })
        let adminPort = try #require(freeLoopbackPort())
        let socket = directory.appendingPathComponent("router.sock").path
        let log = directory.appendingPathComponent("router.log")
        let router = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--replica", "http://127.0.0.1:\(replicaPort)", "--control", socket,
             "--admin-listen", "127.0.0.1:\(adminPort)", "--log-file", log.path,
             // No cache: every decision probes, so the probe histogram has figures too.
             "--cache-timeout-s", "0"],
            directory: directory, name: "router")
        defer { router.stop() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(await eventually { listeningPort(in: readLog()) })
        #expect(await eventually { readLog().contains("metrics on http://127.0.0.1:\(adminPort)") ? true : nil } == true)

        let requests = 40
        for index in 0..<requests { #expect(httpGet(port: port, path: "/p/\(index)")?.status == 200) }
        let api = ControlAPI(socket: socket)
        let totals = try #require(await eventually { api.snapshot().flatMap { $0.totals.completed == requests ? $0.totals : nil } })

        let webPort = try #require(freeLoopbackPort())
        let configuration = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: routertop
                static_configs:
                  - targets: ['127.0.0.1:\(adminPort)']
            """.write(to: configuration, atomically: true, encoding: .utf8)
        let server = try RoutertopProcess.external(
            Self.prometheus,
            ["--config.file=\(configuration.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
             "--web.listen-address=127.0.0.1:\(webPort)"],
            directory: directory, name: "prometheus")
        defer { server.stop() }

        func query(_ expression: String) -> Double? {
            let path = "/api/v1/query?query=" + (expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            guard let answer = httpGet(port: webPort, path: path), answer.status == 200,
                  let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                  let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                  let first = result.first, let value = first["value"] as? [Any], let text = value.last as? String
            else { return nil }
            return Double(text)
        }
        let completed = await eventually(.seconds(30)) { query(#"routertop_requests_total{outcome="completed"}"#) }
        #expect(completed == Double(totals.completed), "Prometheus holds the router's own total")
        #expect(query(#"routertop_requests_total{outcome="failed"}"#) == Double(totals.failedTotal))
        #expect(query("serve_num_scheduling_tasks") == 0)
        #expect(query(#"routertop_replica_state{state="healthy"}"#) == 1)
        #expect(query(#"routertop_setting{name="backoff_multiplier"}"#) == 2)
        #expect(query(#"routertop_setting{name="cache_timeout_s"}"#) == 0)
        #expect(query("serve_request_router_fulfillment_time_ms_count") == Double(requests), "one fulfilment per request")
        #expect(query("routertop_probe_duration_seconds_count").map { $0 > 0 } == true)
    }
}
