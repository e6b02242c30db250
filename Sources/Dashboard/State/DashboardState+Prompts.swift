import RouterAPI

/// The two questions: quitting a router that routes real traffic elsewhere, and a destructive key.
extension DashboardState {
    mutating func answerQuitPrompt(_ action: KeyAction) -> [DashboardEffect] {
        quitPrompt = false
        switch action {
        case .stopRouter:
            stoppingRouter = true
            return [.send(.stopRouting, what: "stop routing")]
        case .detach: wantsQuit = true
        default: status = Status(text: "quit cancelled: still attached; the router keeps routing", kind: .info)
        }
        return []
    }

    /// The router is gone: every question and edit aimed at it is dropped, since none can be
    /// carried out, and the status says what is left to do.
    mutating func routerStopped() {
        quitPrompt = false
        confirmation = nil
        editor = nil
        addressInput = nil
        columnChooser = nil
        journalView = nil
        traceLookup = nil
        stoppingRouter = false
        let restart = canRestartRouter ? "r starts it again with the same command line, " : ""
        status = Status(text: "the router is not running: \(restart)q quits", kind: .refused)
    }

    mutating func answerConfirmation(_ action: KeyAction) -> [DashboardEffect] {
        guard let asked = confirmation else { return [] }
        confirmation = nil
        guard action == .confirm else {
            status = Status(text: "\(asked.question): cancelled; nothing changed", kind: .info)
            return []
        }
        return asked.effects
    }
}
