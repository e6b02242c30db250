import Foundation
import NIOCore
import RouterAPI

/// Answers the control API's endpoints for one router: reads from its latest snapshot, changes
/// through its commands. Holds no state of its own beyond the metrics exporter.
public final class ControlService: Sendable {
    let control: any RouterControl
    let metrics: RouterMetrics?
    /// Stops the router's process (`POST /v1/stop`); nil where the router's life belongs to a
    /// dashboard in the same process.
    let stop: (@Sendable (CommandOrigin) -> CommandResult)?

    public init(
        control: any RouterControl, metrics: RouterMetrics? = nil,
        stop: (@Sendable (CommandOrigin) -> CommandResult)? = nil
    ) {
        self.control = control
        self.metrics = metrics
        self.stop = stop
    }

    /// The answer to a request that is not a stream, on `eventLoop`.
    func respond(
        to endpoint: ControlEndpoint, body: Data, caller: ControlCaller, on eventLoop: any EventLoop
    ) -> EventLoopFuture<ControlResponse> {
        if endpoint.isWrite {
            return perform(endpoint, body: body, caller: caller, on: eventLoop)
        }
        if !body.isEmpty {
            return eventLoop.makeSucceededFuture(.problem(400, "\(endpoint.request.method) \(endpoint.request.target) takes no body"))
        }
        let snapshot = control.latestSnapshot()
        switch endpoint {
        case .snapshot:
            return eventLoop.makeSucceededFuture(.json(snapshot))
        case .getSettings:
            return eventLoop.makeSucceededFuture(.json(snapshot.settings))
        case .events(let after):
            return eventLoop.makeSucceededFuture(.json(EventsReply.after(after, in: snapshot)))
        case .metrics:
            guard let metrics else { return eventLoop.makeSucceededFuture(.problem(404, "this router exports no metrics")) }
            let text = metrics.exposition(for: snapshot)
            return eventLoop.makeSucceededFuture(ControlResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text
            ))
        case .traces(let last):
            let promise = eventLoop.makePromise(of: ControlResponse.self)
            control.traces(limit: last) { log in promise.succeed(.json(log)) }
            return promise.futureResult
        case .trace(let requestID):
            guard let number = Self.requestNumber(requestID) else {
                return eventLoop.makeSucceededFuture(.problem(400, "\(requestID) is not a request id; it must be like req-12 or 12"))
            }
            let promise = eventLoop.makePromise(of: ControlResponse.self)
            control.traces(limit: .max) { log in
                if let trace = log.traces.last(where: { $0.request == number }) {
                    promise.succeed(.json(trace))
                } else {
                    promise.succeed(.problem(404, "req-\(number) has no trace: the router keeps the traces of its last "
                        + "\(log.capacity) finished requests (\(log.evicted) dropped so far), and none of one still in the router"))
                }
            }
            return promise.futureResult
        default:
            return eventLoop.makeSucceededFuture(.problem(500, "\(endpoint.request.target) is not answered here"))
        }
    }

    /// `req-12` or `12`.
    static func requestNumber(_ text: String) -> UInt64? {
        UInt64(text.hasPrefix("req-") ? String(text.dropFirst(4)) : text)
    }

    private func perform(
        _ endpoint: ControlEndpoint, body: Data, caller: ControlCaller, on eventLoop: any EventLoop
    ) -> EventLoopFuture<ControlResponse> {
        let command: RouterCommand
        switch ControlCommands.command(for: endpoint, body: body, settings: control.latestSnapshot().settings) {
        case .failure(let problem): return eventLoop.makeSucceededFuture(.problem(problem))
        case .success(let parsed): command = parsed
        }
        if command == .stopRouting, let stop {
            let result = stop(caller.origin)
            if case .done = result { return eventLoop.makeSucceededFuture(.json(CommandReply(result))) }
            return eventLoop.makeSucceededFuture(.json(CommandReply(result), status: 409))
        }
        let promise = eventLoop.makePromise(of: ControlResponse.self)
        control.perform(command, by: caller.origin) { @Sendable result in
            let status: Int
            switch result {
            case .done: status = 200
            case .refused:
                // A settings change the router refused is bad input, like one refused here.
                if case .applySettings = command { status = 400 } else { status = 409 }
            }
            promise.succeed(.json(CommandReply(result), status: status))
        }
        return promise.futureResult
    }
}
