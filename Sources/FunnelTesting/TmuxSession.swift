import Foundation

/// A detached `tmux` session of a fixed size running one command, on its own tmux server (socket), so a test can
/// type keys and read the screen like a person at a terminal.
public final class TmuxSession: Sendable {
    public let tmux: RequiredTool
    /// The private server's socket name (`tmux -L`).
    public let socket: String
    public let name = "test"

    /// Starts `command` (run by `sh -c`) in a `columns` x `rows` window.
    public init(command: String, columns: Int, rows: Int, environment: [String: String] = [:]) throws {
        self.tmux = try RequiredTool("tmux", package: "tmux")
        self.socket = "funnel-test-\(UUID().uuidString.prefix(8))"
        var arguments = ["-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", self.name, "-x", String(columns), "-y", String(rows)]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments += ["sh", "-c", command]
        let result = try self.tmux.run(arguments)
        guard result.status == 0 else {
            throw RequiredTool.Missing(description: "tmux new-session failed (\(result.status)): \(result.output)")
        }
        _ = try? self.tmux.run(["-L", self.socket, "set-option", "-t", self.name, "remain-on-exit", "on"])
    }

    /// The visible screen as text, one line per row (`capture-pane -p`).
    public func screen() throws -> String {
        try self.tmux.run(["-L", self.socket, "capture-pane", "-p", "-t", self.name]).output
    }

    /// Types `keys` (tmux key names, e.g. `q`, `Tab`, `Right`).
    public func send(_ keys: String...) throws {
        _ = try self.tmux.run(["-L", self.socket, "send-keys", "-t", self.name] + keys)
    }

    /// A tmux format about the pane, e.g. `#{alternate_on}` or `#{cursor_flag}`.
    public func display(_ format: String) throws -> String {
        try self.tmux.run(["-L", self.socket, "display-message", "-p", "-t", self.name, format]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Ends the session and its private server.
    public func kill() {
        _ = try? self.tmux.run(["-L", self.socket, "kill-server"])
    }

    deinit {
        self.kill()
    }
}
