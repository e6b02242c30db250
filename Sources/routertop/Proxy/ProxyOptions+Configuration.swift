import TOMLInput
import Foundation
import RouterEngine
import RouterHTTP

extension ProxyOptions {
    /// The proxy's configuration, or the first bad input in one line.
    func configuration(
        settings: RouterSettings, legacyBackoff: Bool, seed: UInt64?
    ) -> Result<ProxyConfiguration, ProxyStartupError> {
        Result { () throws(ProxyStartupError) in try build(settings: settings, legacyBackoff: legacyBackoff, seed: seed) }
    }

    private func build(settings: RouterSettings, legacyBackoff: Bool, seed: UInt64?) throws(ProxyStartupError) -> ProxyConfiguration {
        guard let listen else {
            throw ProxyStartupError("proxy options need --listen HOST:PORT (the address to take HTTP requests on)")
        }
        let address = try ListenAddress.parse(listen, flag: "--listen").get()
        var replicas: [ReplicaSpec] = []
        for url in replicaURLs {
            let parsed = try ReplicaAddress.parse(url).get()
            replicas.append(ReplicaSpec(address: parsed))
        }
        if let replicaFile {
            let text: String
            do {
                text = try TOMLDocument.read(path: replicaFile)
            } catch {
                throw ProxyStartupError("\(replicaFile):\(error.line): \(error.reason); --replicas needs a readable TOML file")
            }
            replicas += try ReplicaFile.parse(text, name: replicaFile).get()
        }
        var seen: Set<ReplicaAddress> = []
        for replica in replicas where !seen.insert(replica.address).inserted {
            throw ProxyStartupError("replica \(replica.address) is given twice")
        }
        guard replicas.count <= Router.replicaLimit else {
            throw ProxyStartupError("\(replicas.count) replicas given; a router holds at most \(Router.replicaLimit)")
        }
        guard !replicas.isEmpty else {
            throw ProxyStartupError("--listen needs at least one replica: --replica URL or --replicas FILE")
        }
        var options = Router.Options(legacyBackoff: legacyBackoff)
        options.locality.node = try name(node, flag: "--node") ?? options.locality.node
        options.locality.zone = try name(zone, flag: "--zone") ?? options.locality.zone
        if let routingTimeout {
            options.routingTimeout = .seconds(try number(routingTimeout, flag: "--routing-timeout-s", above: 0))
        }
        if let maxReroutes { options.maxReroutes = try whole(maxReroutes, flag: "--max-reroutes", atLeast: 0) }
        if let maxPending { options.maxPendingRequests = try whole(maxPending, flag: "--max-pending", atLeast: 1) }
        var configuration = ProxyConfiguration(listenHost: address.host, listenPort: address.port, replicas: replicas,
                                               settings: settings, options: options, seed: seed)
        if let requestTimeout {
            configuration.requestTimeout = .seconds(try number(requestTimeout, flag: "--request-timeout-s", above: 0))
        }
        if let headerTimeout {
            configuration.headerTimeout = .seconds(try number(headerTimeout, flag: "--header-timeout-s", above: 0))
        }
        if let idleTimeout {
            configuration.idleTimeout = .seconds(try number(idleTimeout, flag: "--idle-timeout-s", above: 0))
        }
        if let maxConnections {
            configuration.maxConnections = try whole(maxConnections, flag: "--max-connections", atLeast: 1)
        }
        if let bodyBudget {
            configuration.bodyBudgetBytes = try whole(bodyBudget, flag: "--body-budget-mb", atLeast: 1) << 20
        }
        configuration.allowConnect = allowConnect
        if let eventLoops {
            configuration.eventLoops = try whole(eventLoops, flag: "--event-loops", atLeast: 1,
                                                 atMost: ProxyConfiguration.maxEventLoops)
        }
        if let probePath {
            guard probePath.hasPrefix("/"), !probePath.contains(" ") else {
                throw ProxyStartupError("--probe-path=\(probePath) is not a path; it must start with / and have no spaces")
            }
            configuration.probePath = probePath
        }
        return configuration
    }

    private func name(_ text: String?, flag: String) throws(ProxyStartupError) -> String? {
        guard let text else { return nil }
        guard !text.isEmpty else { throw ProxyStartupError("\(flag)= is empty; it must be a name") }
        return text
    }

    private func number(_ text: String, flag: String, above minimum: Double) throws(ProxyStartupError) -> Double {
        switch SettingText.number(text) {
        case .failure(let problem):
            throw ProxyStartupError("\(flag)=\(text) \(problem.phrase); it must be a number of seconds above \(SettingText.format(minimum))")
        case .success(let value):
            guard value > minimum, value <= 86_400 else {
                throw ProxyStartupError("\(flag)=\(text) is out of range; it must be above \(SettingText.format(minimum)) and at most 86400 seconds")
            }
            return value
        }
    }

    private func whole(_ text: String, flag: String, atLeast minimum: Int,
                       atMost maximum: Int = 1_000_000) throws(ProxyStartupError) -> Int {
        switch SettingText.integer(text) {
        case .failure(let problem):
            throw ProxyStartupError("\(flag)=\(text) \(problem.phrase); it must be a whole number from \(minimum)")
        case .success(let value):
            guard value >= minimum, value <= maximum else {
                throw ProxyStartupError("\(flag)=\(text) is out of range; it must be a whole number from \(minimum) to \(maximum)")
            }
            return value
        }
    }
}
