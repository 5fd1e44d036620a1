import Foundation
import FunnelTesting
#if canImport(Glibc)
import Glibc
#endif

/// A detached `tmux` session of a fixed size running one command, on its own tmux server (socket), so a test can
/// type keys and read the screen like a person at a terminal.
final class TmuxSession: Sendable {
    let tmux: RequiredTool
    /// The private server's socket name (`tmux -L`).
    let socket: String
    let name = "test"

    /// Starts `command` (run by `sh -c`) in a `columns` x `rows` window.
    init(command: String, columns: Int, rows: Int, environment: [String: String] = [:]) throws {
        self.tmux = try RequiredTool("tmux", package: "tmux")
        self.socket = "funnel-test-\(UUID().uuidString.prefix(8))"
        var arguments = ["-f", "/dev/null", "new-session", "-d", "-s", self.name, "-x", String(columns), "-y", String(rows)]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments += ["sh", "-c", command]
        let result = try self.run(arguments)
        guard result.status == 0 else {
            throw RequiredTool.Missing(description: "tmux new-session failed (\(result.status)): \(result.output)")
        }
    }

    /// The visible screen as text, one line per row (`capture-pane -p`).
    func screen() throws -> String {
        try self.run(["capture-pane", "-p", "-t", self.name]).output
    }

    /// Types `keys` (tmux key names, e.g. `q`, `Tab`, `Right`).
    func send(_ keys: String...) throws {
        _ = try self.run(["send-keys", "-t", self.name] + keys)
    }

    /// A tmux format about the pane, e.g. `#{alternate_on}` or `#{cursor_flag}`.
    func display(_ format: String) throws -> String {
        try self.run(["display-message", "-p", "-t", self.name, format]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Ends the session and its private server.
    func kill() {
        _ = try? self.run(["kill-session", "-t", self.name])
        _ = try? self.run(["kill-server"])
    }

    deinit {
        self.kill()
    }

    /// Runs `tmux -L socket ARGUMENTS` to completion and returns its status and output.
    ///
    /// Not through Foundation's `Process`: the tmux server that `new-session` forks inherits the descriptor
    /// `Process` watches for the child's exit, so `Process` would wait forever. `posix_spawn` and `waitpid` instead,
    /// with the output in a file and every other descriptor closed.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let path = NSTemporaryDirectory() + "tmux-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else: the tmux server forked from this client would keep other children's descriptors open
        // (Foundation's Process watches one per child to learn that it exited) and those children would never end.
        Self.closeOtherDescriptors(&actions)
        let argv = ([self.tmux.path, "-L", self.socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, self.tmux.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw RequiredTool.Missing(description: "could not start tmux: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// Adds "close every descriptor from 3 up" to `actions`: glibc's `posix_spawn_file_actions_addclosefrom_np`
    /// (2.34 and later; looked up at run time, as Swift's Glibc module does not declare it), else one close per
    /// descriptor open now.
    static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }
}
