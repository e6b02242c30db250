import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import RouterHTTP

/// `routertop replica`: a small real HTTP replica for demos, tests and benchmarks.
struct ReplicaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: "Run a small HTTP replica that the router can probe and forward to.",
        discussion: """
            Serves any path after its service time, answers GET /-/queue-length with \
            {"queue_length": N, "max_ongoing_requests": M}, and refuses work beyond its maximum with 503. \
            Faults: POST /-/fault/slow-probe?ms=N, /-/fault/unavailable, /-/fault/drop (take work, close \
            without answering), /-/fault/truncate (answer half, then close), /-/fault/page-probe (answer probes with a web page), \
            /-/fault/crash (exit), /-/fault/recover. With --max-models it serves multiplexed models: a request's \
            serve_multiplexed_model_id header names its model, loaded on first use (--model-load-ms), the \
            least recently used evicted beyond the limit, and the probe answer lists the models held \
            under "multiplexed_model_ids"; every answer also tells them in its serve-multiplexed-model-ids \
            header (VERSION;ID,ID, the version growing on each change) unless --no-model-header.
            """
    )

    @OptionGroup var listenOption: ListenOption

    @Option(name: .customLong("max-ongoing"), help: "Requests worked on at once; more get 503.")
    var maxOngoing: String = "5"

    @Option(name: .customLong("service-ms"), help: "Milliseconds each request takes.")
    var serviceMilliseconds: String = "20"

    @Option(name: .customLong("jitter-ms"), help: "Extra milliseconds drawn uniformly from 0 to this, per request.")
    var jitterMilliseconds: String = "0"

    @Option(name: .customLong("probe-path"), help: "Path of the queue-length endpoint.")
    var probePath: String = "/-/queue-length"

    @Option(name: .customLong("max-models"), help: "Serve multiplexed models, holding at most this many at once (default: no models).")
    var maxModels: String?

    @Option(name: .customLong("model-load-ms"), help: "Milliseconds loading a model it does not hold takes (default 0; needs --max-models).")
    var modelLoadMilliseconds: String?

    @Flag(name: .customLong("no-queue-length-endpoint"), help: "Answer 404 on the queue-length endpoint, like a service without one.")
    var noQueueLengthEndpoint = false

    @Flag(name: .customLong("no-model-header"), help: "Do not tell the models held in every answer's serve-multiplexed-model-ids header, like a server that never does (needs --max-models).")
    var noModelHeader = false

    func run() throws {
        guard let listen = listenOption.listen else { failStartup("replica needs --listen HOST:PORT") }
        let address: ListenAddress
        switch ListenAddress.parse(listen, flag: "--listen") {
        case .failure(let error): failStartup(error.message)
        case .success(let parsed): address = parsed
        }
        var configuration = ReplicaServerConfiguration(
            maxOngoing: whole(maxOngoing, flag: "--max-ongoing", atLeast: 1),
            serviceTime: .milliseconds(whole(serviceMilliseconds, flag: "--service-ms", atLeast: 0)),
            jitter: .milliseconds(whole(jitterMilliseconds, flag: "--jitter-ms", atLeast: 0)),
            queueLengthPath: checkedProbePath(),
            answersQueueLength: !noQueueLengthEndpoint,
            maxModels: maxModels.map { whole($0, flag: "--max-models", atLeast: 1) },
            modelLoad: .milliseconds(modelLoadMilliseconds.map { whole($0, flag: "--model-load-ms", atLeast: 0) } ?? 0)
        )
        if modelLoadMilliseconds != nil, maxModels == nil {
            failStartup("--model-load-ms needs --max-models (how many models the replica holds)")
        }
        if noModelHeader, maxModels == nil {
            failStartup("--no-model-header needs --max-models (a replica without models tells none)")
        }
        configuration.tellsModelsInAnswers = !noModelHeader
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server: ReplicaServer
        do {
            server = try ReplicaServer.start(host: address.host, port: address.port, configuration: configuration,
                                             eventLoop: group.next()).wait()
        } catch {
            failStartup("--listen=\(listen) cannot be bound (\(error)); is the port in use?")
        }
        let line = "routertop replica listening on \(ListenAddress(host: address.host, port: server.port))\n"
        FileHandle.standardError.write(Data(line.utf8))
        let signals = SignalWaiter { _ in _ = server.stop() }
        // A crash through the fault endpoint closes the listener too: the process ends either way.
        try? server.closeFuture.wait()
        withExtendedLifetime(signals) {}
        // What it did, so a test or an operator can count the forwards it received.
        if let served = try? server.served().wait(), let refused = try? server.rejected().wait(),
           let probes = try? server.probesAnswered().wait() {
            FileHandle.standardError.write(Data("routertop replica stopped: served=\(served) refused=\(refused) probes=\(probes)\n".utf8))
        }
        try? group.syncShutdownGracefully()
    }

    private func checkedProbePath() -> String {
        guard probePath.hasPrefix("/") else { failStartup("--probe-path=\(probePath) is not a path; it must start with /") }
        return probePath
    }

    private func whole(_ text: String, flag: String, atLeast minimum: Int) -> Int {
        guard let value = Int(text), value >= minimum, value <= 10_000_000 else {
            failStartup("\(flag)=\(text) is not a whole number from \(minimum) to 10000000")
        }
        return value
    }
}
