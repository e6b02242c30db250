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
