/// One key binding, in the manner of a `key.Binding`: the keys, what the help calls it, where it
/// works, and the flags that decide refusal and confirmation for every key alike.
struct KeyBinding: Equatable, Sendable {
    /// When the binding asks "y confirms" before doing anything.
    enum Confirm: Sendable {
        case never, always
        /// Only against a proxy, where the replica is a real server (drain on the simulated fleet
        /// is a drill).
        case inProxy
    }

    /// The keys a binding takes besides `keys`, when no other binding of the context takes them.
    enum Otherwise: Equatable, Sendable {
        case nothing
        /// Any printable character: the text being typed.
        case typedText
        /// Any key at all ("any other key cancels").
        case anyKey
    }

    var keys: [Key]
    /// The keys as the help writes them; a row may name a partner binding's keys too ("+ -").
    var label: String
    /// The help text, or nil when the row of a partner binding already says it.
    var help: String?
    /// What the status line calls it ("read-only: NAME is refused").
    var name: String
    var action: KeyAction
    var contexts: Set<KeyContext> = KeyContext.views
    /// Changes the router, so read-only refuses it and help and footer mark it.
    var changes = false
    /// Writes a file (export): it changes nothing in the router, but read-only refuses it too, so
    /// a read-only footer does not offer it and the help greys it.
    var writesFile = false
    var confirm: Confirm = .never
    /// Works only on the simulated fleet (load and faults).
    var simulatedOnly = false
    /// Works only while settings are on trial.
    var trialOnly = false
    /// What else the binding takes: the typed text, or any other key.
    var otherwise: Otherwise = .nothing
    /// Starts the router process again: offered only by a dashboard that started it (proxy mode).
    var restartsRouter = false

    /// Read-only refuses this binding.
    var refusedReadOnly: Bool { changes || writesFile }

    func matches(_ key: Key, in context: KeyContext) -> Bool {
        contexts.contains(context) && keys.contains(key)
    }
}
