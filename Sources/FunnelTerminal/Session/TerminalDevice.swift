#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FunnelCore
import Synchronization

/// The controlling terminal of `funnel top`: raw mode, the alternate screen and a hidden cursor, and back.
///
/// ``enterFullScreen()`` saves the terminal's settings; ``restore()`` puts them back and is safe to call more
/// than once and from any thread, so the quit key, a signal and a thrown error all leave the terminal as found.
public final class TerminalDevice: Sendable {
    public let input: Int32
    public let output: Int32
    private let saved = Mutex<termios?>(nil)

    public init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    /// True when both input and output are a terminal.
    public var isInteractive: Bool { isatty(self.input) == 1 && isatty(self.output) == 1 }

    /// The window size from `TIOCGWINSZ`; nil when the output is not a terminal.
    public func size() -> TerminalSize? {
        var window = winsize()
        guard ioctl(self.output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        return TerminalSize(columns: Int(window.ws_col), rows: Int(window.ws_row))
    }

    /// Raw input (no echo, no line editing, no signal keys: Ctrl-C arrives as a key), the alternate screen, no cursor.
    public func enterFullScreen() throws(TerminalError) {
        var original = termios()
        guard tcgetattr(self.input, &original) == 0 else { throw TerminalError(operation: "tcgetattr", errno: errno) }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(self.input, TCSAFLUSH, &raw) == 0 else { throw TerminalError(operation: "tcsetattr", errno: errno) }
        self.saved.withLock { $0 = original }
        self.write(Self.enter)
    }

    /// Leaves the alternate screen, shows the cursor and restores the saved terminal settings.
    public func restore() {
        let original = self.saved.withLock { saved -> termios? in
            defer { saved = nil }
            return saved
        }
        guard var original else { return }
        self.write(Self.leave)
        _ = tcsetattr(self.input, TCSAFLUSH, &original)
    }

    /// Writes all of `text` to the output, retrying short writes and interrupted calls; a vanished terminal is ignored.
    public func write(_ text: String) {
        _ = CommandOutput(descriptor: self.output).attempt(text)
    }

    /// Alternate screen on, cursor hidden, screen cleared.
    static let enter = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J"
    /// Attributes reset, cursor shown, alternate screen off.
    static let leave = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

    /// One frame: synchronized update, every row overwritten in place and cleared to its end: no flicker.
    public static func frame(_ lines: [String]) -> String {
        var text = "\u{1B}[?2026h\u{1B}[H"
        for (index, line) in lines.enumerated() {
            text += line + "\u{1B}[0m\u{1B}[K"
            if index < lines.count - 1 { text += "\r\n" }
        }
        return text + "\u{1B}[J\u{1B}[?2026l"
    }
}
