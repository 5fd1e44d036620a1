import FunnelCore
/// A key as the terminal sent it; what it does depends on the screen it is pressed on (``TopViewState``).
public enum TopKey: Sendable, Hashable {
    /// A printable character: a command on the screens, text in the search field.
    case character(Character)
    case tab
    case backTab
    case enter
    case backspace
    case escape
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    /// Ctrl-C or Ctrl-D (raw mode delivers them as bytes): quits from any screen.
    case interrupt
    case other
}
