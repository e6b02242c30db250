/// A key press, decoded from the terminal by the curses layer.
public enum Key: Equatable, Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    /// The terminal changed size (the new size comes with the next frame).
    case resize
}
