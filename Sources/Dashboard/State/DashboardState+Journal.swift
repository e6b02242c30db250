import Foundation
import RouterAPI

/// Keys of the journal view.
extension DashboardState {
    mutating func handleJournal(_ key: Key, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        guard var view = journalView else { return [] }
        defer { if journalView != nil { journalView = view } }
        if let offer = view.offer {
            switch key {
            case .character("y"), .enter:
                view.offer = nil
                return [.send(.revertSettings(offer.settings, entry: offer.sequence), what: "revert to #\(offer.sequence)")]
            case .character("n"), .escape:
                view.offer = nil
                status = Status(text: "revert cancelled; nothing changed", kind: .info)
            default: break
            }
            return []
        }
        if view.filterEditing {
            switch key {
            case .enter: view.filterEditing = false
            case .escape: view.filter = ""; view.filterEditing = false
            case .backspace: if !view.filter.isEmpty { view.filter.removeLast() }
            case .character(let character) where !character.isNewline:
                view.filter.append(character)
                view.selected = 0
            default: break
            }
            return []
        }
        if view.showing != nil {
            if key == .escape || key == .enter { view.showing = nil }
            return []
        }
        let count = view.visible.count
        switch key {
        case .escape, .character("J"), .character("q"):
            journalView = nil
        case .up, .character("k"): view.selected = max(0, view.selected - 1)
        case .down, .character("j"): view.selected = min(max(count - 1, 0), view.selected + 1)
        case .pageUp: view.selected = max(0, view.selected - 10)
        case .pageDown: view.selected = min(max(count - 1, 0), view.selected + 10)
        case .home: view.selected = 0
        case .end: view.selected = max(count - 1, 0)
        case .character("/"): view.filterEditing = true
        case .enter: view.showing = view.selectedEntry?.sequence
        case .character("R"):
            guard let entry = view.selectedEntry else { return [] }
            if readOnly {
                status = Status(text: "read-only: reverting is refused", kind: .refused)
                return []
            }
            guard let target = JournalReplay.settings(after: entry.sequence, in: view.entries ?? []) else {
                status = Status(text: "no settings change was applied at or before #\(entry.sequence)", kind: .refused)
                return []
            }
            let differences = SettingsDifference.between(snapshot.settings, target)
            guard !differences.isEmpty else {
                status = Status(text: "the live settings already equal those just after #\(entry.sequence)", kind: .info)
                return []
            }
            view.offer = JournalViewState.RevertOffer(sequence: entry.sequence, settings: target, differences: differences)
        default: break
        }
        return []
    }
}
