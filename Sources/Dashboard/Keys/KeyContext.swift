/// Where a key is pressed: the screen or input mode that decides what the key does.
enum KeyContext: CaseIterable, Hashable, Sendable {
    case main, detail, models, journal, editor, help, filter, columnChooser

    /// The three views that share the main key set.
    static let views: Set<KeyContext> = [.main, .detail, .models]
}
