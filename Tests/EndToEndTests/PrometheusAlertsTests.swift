import Foundation
import TestSupport
import Testing

/// The alerting rules and the Grafana dashboard in `contrib/` against a real Prometheus scraping a
/// real router: every alert's expression and every panel's query finds the router's series.
@Suite("alerting rules and dashboard queries (built binary, real Prometheus)")
struct PrometheusAlertsTests {
    static let prometheus = "/usr/bin/prometheus"
    static let promtool = "/usr/bin/promtool"
    static let rules = PackagePaths.root.appendingPathComponent("contrib/prometheus/routertop-rules.yml")
    static let dashboard = PackagePaths.root.appendingPathComponent("contrib/grafana/routertop-dashboard.json")

    /// An alert's expression without its threshold: the series it compares, which must exist
    /// whether or not the alert fires.
    static func signal(of expression: String) -> String {
        expression.replacing(#/\s*[<>]=?\s*[0-9.]+\s*$/#, with: "")
    }

    @Test func promtoolAcceptsTheRules() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.promtool), "scripts/install-deps.sh installs promtool")
        let run = try CommandRun.run(Self.promtool, ["check", "rules", Self.rules.path])
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("SUCCESS: 4 rules found"))
    }

    @Test func everyAlertAndPanelFindsTheRoutersSeries() async throws {
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
             "--admin-listen", "127.0.0.1:\(adminPort)", "--log-file", log.path],
            directory: directory, name: "router")
        defer { router.stop() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(await eventually { listeningPort(in: readLog()) })
        #expect(await eventually { readLog().contains("metrics on http://127.0.0.1:\(adminPort)") ? true : nil } == true)
        for index in 0..<20 { #expect(httpGet(port: port, path: "/p/\(index)")?.status == 200) }

        let webPort = try #require(freeLoopbackPort())
        let configuration = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            rule_files:
              - \(Self.rules.path)
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

        func get(_ path: String) -> [String: Any]? {
            guard let answer = httpGet(port: webPort, path: path), answer.status == 200,
                  let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            else { return nil }
            return object["data"] as? [String: Any]
        }
        func samples(_ expression: String) -> Int? {
            let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return (get("/api/v1/query?query=" + encoded)?["result"] as? [[String: Any]])?.count
        }
        // Rates need two scrapes within their window; the 1-minute window fills within seconds.
        let first = await eventually(.seconds(30)) { (samples("rate(routertop_requests_total[1m])") ?? 0) > 0 ? true : nil }
        try #require(first == true, "Prometheus scraped the router twice")

        // Every alert loaded and evaluated without error, and its signal has data.
        let groups = try #require(await eventually(.seconds(15)) { () -> [[String: Any]]? in
            let groups = get("/api/v1/rules")?["groups"] as? [[String: Any]]
            let rules = groups?.flatMap { $0["rules"] as? [[String: Any]] ?? [] } ?? []
            return rules.count == 4 && rules.allSatisfy({ $0["health"] as? String != "unknown" }) ? groups : nil
        })
        let alerts = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
        #expect(Set(alerts.compactMap { $0["name"] as? String }) == [
            "RoutertopTasksStuckInBackoff", "RoutertopRoutingTimeouts", "RoutertopReplicaErroring", "RoutertopSettingsOnTrialLong",
        ])
        for alert in alerts {
            let name = alert["name"] as? String ?? "?"
            #expect(alert["health"] as? String == "ok", "\(name): \(alert["lastError"] ?? "")")
            let query = try #require(alert["query"] as? String)
            let signal = Self.signal(of: query)
            #expect(signal != query, "\(name) compares its signal with a threshold")
            #expect((samples(signal) ?? 0) > 0, "\(name): \(signal) returns no data")
        }

        // Every panel of the dashboard finds data, with Grafana's rate interval as one minute.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any])
        let panels = try #require(document["panels"] as? [[String: Any]])
        #expect(panels.count >= 8)
        for panel in panels {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let expression = try #require(target["expr"] as? String).replacingOccurrences(of: "$__rate_interval", with: "1m")
                #expect((samples(expression) ?? 0) > 0, "panel \(panel["title"] ?? "?"): \(expression) returns no data")
            }
        }
        // The new series, with the router's own figures.
        #expect(samples(#"routertop_build_info{version!=""}"#) == 1)
        #expect(samples(#"routertop_replica_requests_total{outcome="completed"} == 20"#) == 1)
        #expect(samples("routertop_replica_max_ongoing > 0") == 1)
        #expect(samples("routertop_replica_queue_length") == 1)
        #expect(samples(#"routertop_request_duration_seconds_count{outcome="completed"} == 20"#) == 1)
    }
}
