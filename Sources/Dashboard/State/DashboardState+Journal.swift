import Foundation
import RouterAPI

/// What the journal view's keys do.
extension DashboardState {
    mutating func journalKey(_ action: KeyAction, snapshot: RouterSnapshot) -> [DashboardEffect] {
        guard var view = journalView else { return [] }
        defer { if journalView != nil { journalView = view } }
        switch action {
        case .closeJournal: journalView = nil
        case .filterJournal: view.filterEditing = true
        case .showEntry: view.showing = view.selectedEntry?.sequence
        case .closeEntry: view.showing = nil
        case .cancelRevert:
            view.offer = nil
            status = Status(text: "revert cancelled; nothing changed", kind: .info)
        case .revert:
            guard let offer = view.offer else { return [] }
            view.offer = nil
            return [.send(.settings(.revert(offer.settings, entry: offer.sequence)), what: "revert to #\(offer.sequence)")]
        case .offerRevert:
            guard let entry = view.selectedEntry else { return [] }
            // Before any settings change, the settings just after an entry are those the router started with.
            let target = JournalReplay.settings(after: entry.sequence, in: view.entries ?? []) ?? snapshot.startupSettings
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
