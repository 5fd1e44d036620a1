import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program under test (Funnel, collectd, Pushgateway, wrk) running as a separate process on loopback.
///
/// Children stay in the process group of `funnel-figures`, so `Benchmarks/run` can end them all with one signal to
/// the group; ``stop()`` and ``stopAll()`` end them here first.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `pid` and the paths are set once in init; `exited` is only touched from the thread that drives the run.
    let pid: pid_t
    let name: String
    let logPath: String
    private var exited = false

    /// Every child still running, ended by ``stopAll()`` on the way out.
    private static let running = Mutex<[pid_t: String]>([:])

    /// Starts `executable` with `arguments`; stdout and stderr go to `logPath`.
    init(_ name: String, executable: String, arguments: [String], logPath: String) throws(FigureError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard status == 0 else { throw FigureError("cannot start \(name) (\(executable)): \(String(cString: strerror(status)))") }
        self.pid = pid
        self.name = name
        self.logPath = logPath
        Self.running.withLock { $0[pid] = name }
    }

    /// Whether the process has not exited yet (reaps it if it has).
    var isRunning: Bool {
        if self.exited { return false }
        var status: Int32 = 0
        if waitpid(self.pid, &status, WNOHANG) == self.pid {
            self.exited = true
            Self.running.withLock { _ = $0.removeValue(forKey: self.pid) }
        }
        return !self.exited
    }

    /// The last lines of the process's output, for error messages.
    var logTail: String {
        let text = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }

    /// Waits for the process to exit on its own, up to `timeout` seconds; throws if it does not.
    func waitForExit(timeout: Double) throws(FigureError) {
        let deadline = Monotonic.now + timeout
        while self.isRunning {
            guard Monotonic.now < deadline else {
                self.stop()
                throw FigureError("\(self.name) did not finish within \(Int(timeout)) s")
            }
            usleep(20_000)
        }
    }

    /// Asks the process to end (SIGTERM), then kills it (SIGKILL) after 3 seconds.
    func stop() {
        guard self.isRunning else { return }
        kill(self.pid, SIGTERM)
        let deadline = Monotonic.now + 3
        while self.isRunning && Monotonic.now < deadline { usleep(10_000) }
        if self.isRunning {
            kill(self.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(self.pid, &status, 0)
            self.exited = true
            Self.running.withLock { _ = $0.removeValue(forKey: self.pid) }
        }
    }

    /// Kills every child still running; called on exit and on SIGINT/SIGTERM.
    static func stopAll() {
        let pids = Self.running.withLock { running in
            defer { running.removeAll() }
            return Array(running.keys)
        }
        for pid in pids { kill(pid, SIGKILL) }
    }

    // MARK: /proc

    /// User plus system CPU seconds the process has used (`utime + stime` in `/proc/PID/stat`).
    var cpuSeconds: Double {
        guard let text = try? String(contentsOfFile: "/proc/\(self.pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident set size now (`VmRSS`), in bytes.
    var residentBytes: Int { self.statusKilobytes("VmRSS:") * 1024 }

    /// Peak resident set size (`VmHWM`), in bytes.
    var peakResidentBytes: Int { self.statusKilobytes("VmHWM:") * 1024 }

    /// A `kB` field of `/proc/PID/status`.
    private func statusKilobytes(_ key: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
