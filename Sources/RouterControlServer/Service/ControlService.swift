import Foundation
import NIOCore
import RouterAPI

/// Answers the control API's endpoints for one router: reads from its latest snapshot, changes
/// through its commands. Holds no state of its own beyond the metrics exporter.
public final class ControlService: Sendable {
    let control: IdentifiedControl
    let metrics: RouterMetrics?
    /// Stops the router's process (`POST /v1/stop`); nil where the router's life belongs to a
    /// dashboard in the same process.
    let stop: (@Sendable (CommandOrigin) -> CommandResult)?
    /// The router's change journal, for `GET /v1/journal` and reverts; nil when it keeps none.
    let journal: (any JournalSource)?

    public init(
        control: any RouterControl, metrics: RouterMetrics? = nil,
        stop: (@Sendable (CommandOrigin) -> CommandResult)? = nil, journal: (any JournalSource)? = nil
    ) {
        self.control = IdentifiedControl(control)
        self.metrics = metrics
        self.stop = stop
        self.journal = journal
    }

    /// An attached dashboard's stream closed: a trial it started reverts.
    func sessionEnded(_ session: String) {
        control.perform(.settings(.endSession(session)), by: CommandOrigin(user: "router", via: .router)) { _ in }
    }

    /// The answer to a request that is not a stream, on `eventLoop`.
    func respond(
        to endpoint: ControlEndpoint, body: Data, caller: ControlCaller, on eventLoop: any EventLoop
    ) -> EventLoopFuture<ControlResponse> {
        if endpoint.isWrite {
            return perform(endpoint, body: body, caller: caller, on: eventLoop)
        }
        switch endpoint {
        case .whatIf, .suggest: return replay(endpoint, body: body, on: eventLoop)
        default: break
        }
        if !body.isEmpty {
            return eventLoop.makeSucceededFuture(.problem(400, "\(endpoint.request.method) \(endpoint.request.target) takes no body"))
        }
        let snapshot = control.latestSnapshot()
        switch endpoint {
        case .snapshot:
            return eventLoop.makeSucceededFuture(.json(snapshot))
        case .summary:
            return eventLoop.makeSucceededFuture(.json(snapshot.summary().summary))
        case .getSettings:
            return eventLoop.makeSucceededFuture(.json(snapshot.settings))
        case .events(let after):
            return eventLoop.makeSucceededFuture(.json(EventsReply.after(after, in: snapshot)))
        case .journal(let after):
            guard let journal else { return eventLoop.makeSucceededFuture(.problem(404, "this router keeps no journal")) }
            return eventLoop.makeSucceededFuture(.json(journal.read(after: after)))
        case .metrics:
            guard let metrics else { return eventLoop.makeSucceededFuture(.problem(404, "this router exports no metrics")) }
            let text = metrics.exposition(for: snapshot)
            return eventLoop.makeSucceededFuture(ControlResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text
            ))
        case .recording:
            let promise = eventLoop.makePromise(of: ControlResponse.self)
            control.recording { result in
                switch result {
                case .success(let recording): promise.succeed(.json(recording))
                case .failure(let error): promise.succeed(.problem(404, error.message))
                }
            }
            return promise.futureResult
        case .traces(let last):
            let promise = eventLoop.makePromise(of: ControlResponse.self)
            control.traces(limit: last) { log in promise.succeed(.json(log)) }
            return promise.futureResult
        case .trace(let requestID):
            // The router's own id (req-12 or 12) first, then a client's own X-Request-Id.
            let promise = eventLoop.makePromise(of: ControlResponse.self)
            control.traces(limit: .max) { log in
                if let trace = log.trace(named: requestID) {
                    promise.succeed(.json(trace))
                } else {
                    promise.succeed(.problem(404, log.noTrace(for: requestID)))
                }
            }
            return promise.futureResult
        default:
            return eventLoop.makeSucceededFuture(.problem(500, "\(endpoint.request.target) is not answered here"))
        }
    }

    /// `POST /v1/whatif` and `POST /v1/suggest`: replays of the recording, off the router's loop.
    private func replay(_ endpoint: ControlEndpoint, body: Data, on eventLoop: any EventLoop) -> EventLoopFuture<ControlResponse> {
        if case .whatIf = endpoint {
            switch SettingsPatch.apply(body, over: control.latestSnapshot().settings) {
            case .failure(let problem): return eventLoop.makeSucceededFuture(.problem(problem))
            case .success(let edited):
                let promise = eventLoop.makePromise(of: ControlResponse.self)
                control.whatIf(edited) { promise.succeed(Self.answer($0)) }
                return promise.futureResult
            }
        }
        switch SuggestBounds.parse(body) {
        case .failure(let problem): return eventLoop.makeSucceededFuture(.problem(problem))
        case .success(let bounds):
            let promise = eventLoop.makePromise(of: ControlResponse.self)
            control.suggest(within: bounds, progress: { _, _ in }) { promise.succeed(Self.answer($0)) }
            return promise.futureResult
        }
    }

    /// A replay's figures, or 409 with why there are none (no recording, nothing recorded, busy).
    private static func answer<T: Encodable & Sendable>(_ result: Result<T, WhatIfError>) -> ControlResponse {
        switch result {
        case .success(let reply): .json(reply)
        case .failure(let error): .problem(409, error.message)
        }
    }

    /// The settings just after journal entry `sequence`, as a revert command, or why there are none.
    private func revertCommand(to sequence: UInt64, body: Data) -> Result<RouterCommand, ControlEndpoint.Problem> {
        if case .failure(let problem) = StrictJSON.object(body, fields: []) { return .failure(problem) }
        guard let journal else { return .failure(.init(status: 404, message: "this router keeps no journal")) }
        let entries = journal.read(after: 0).entries
        guard entries.contains(where: { $0.sequence == sequence }) else {
            return .failure(.init(status: 404, message: "the journal has no entry #\(sequence)"))
        }
        // Before any settings change, the settings just after an entry are those the router started with.
        let settings = JournalReplay.settings(after: sequence, in: entries) ?? control.latestSnapshot().startupSettings
        return .success(.settings(.revert(settings, entry: sequence)))
    }

    /// A well-formed settings body whose values the validator refused is still a change someone
    /// tried: the router refuses it again and journals the refusal with its reason, as it does for
    /// the editor's. The answer stays the validator's 400.
    private func journalRefusedSettings(_ endpoint: ControlEndpoint, body: Data, over live: RouterSettings,
                                        by caller: ControlCaller) {
        switch endpoint {
        case .putSettings, .trialSettings: break
        default: return
        }
        // Only what the router's own check refuses too: nothing reaches it that it would apply.
        guard let attempted = SettingsPatch.unchecked(body, over: live),
              (try? SettingsValidator.validate(attempted)) == nil else { return }
        control.perform(.settings(.apply(attempted)), by: caller.origin) { _ in }
    }

    private func perform(
        _ endpoint: ControlEndpoint, body: Data, caller: ControlCaller, on eventLoop: any EventLoop
    ) -> EventLoopFuture<ControlResponse> {
        var command: RouterCommand
        if case .revertJournal(let sequence) = endpoint {
            switch revertCommand(to: sequence, body: body) {
            case .failure(let problem): return eventLoop.makeSucceededFuture(.problem(problem))
            case .success(let revert): command = revert
            }
        } else {
            let live = control.latestSnapshot().settings
            switch ControlCommands.command(for: endpoint, body: body, settings: live) {
            case .failure(let problem):
                journalRefusedSettings(endpoint, body: body, over: live, by: caller)
                return eventLoop.makeSucceededFuture(.problem(problem))
            case .success(let parsed): command = parsed
            }
        }
        if case .settings(.applyOnTrial(let settings, let seconds, _)) = command {
            command = .settings(.applyOnTrial(settings, seconds: seconds, session: caller.session))
        }
        let sent = command
        if command == .stopRouting, let stop {
            let result = stop(caller.origin)
            if case .done = result { return eventLoop.makeSucceededFuture(.json(CommandReply(result))) }
            return eventLoop.makeSucceededFuture(.json(CommandReply(result), status: 409))
        }
        let promise = eventLoop.makePromise(of: ControlResponse.self)
        control.perform(sent, by: caller.origin) { @Sendable result in
            let status: Int
            switch result {
            case .done: status = 200
            case .refused:
                // A settings change the router refused is bad input, like one refused here.
                switch sent {
                case .settings(.apply), .settings(.applyOnTrial): status = 400
                default: status = 409
                }
            }
            promise.succeed(.json(CommandReply(result), status: status))
        }
        return promise.futureResult
    }
}
