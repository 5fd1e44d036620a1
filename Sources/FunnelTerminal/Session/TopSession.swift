import FunnelCore
import NIOCore
import Foundation
import UnixSignals

/// `funnel top` at run time: polls the server, reads keys, follows the terminal's size, and redraws.
///
/// The terminal is restored on every way out: `q`, Ctrl-C (a key in raw mode), SIGINT, SIGTERM, SIGHUP, end of
/// input, or an error. Poll failures never end the session: the screen keeps the last data, says how old it is,
/// and retries with backoff.
public struct TopSession: Sendable {
    public var options: TopOptions
    /// One client per server in ``TopOptions/servers``.
    public var clients: [FunnelAPIClient]
    public var terminal: TerminalDevice

    public init(options: TopOptions, terminal: TerminalDevice = TerminalDevice()) {
        self.options = options
        // A refused connection only fails at the request's deadline (the client retries until then), so keep it short.
        let timeoutMillis = Int64(millisecondsFromSeconds: max(2, min(5, options.refreshSeconds * 2))) ?? 5_000
        self.clients = options.servers.map { FunnelAPIClient(baseURL: $0, token: options.token, timeout: .milliseconds(timeoutMillis)) }
        self.terminal = terminal
    }

    /// Runs until the user quits; returns the exit code (0 for `q`, 128 + signal for a signal).
    public func run() async throws(TerminalError) -> Int32 {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm, .sighup, .sigwinch)
        try self.terminal.enterFullScreen()
        defer { self.terminal.restore() }

        let clock = ContinuousClock()
        let start = clock.now
        let seconds: @Sendable () -> Double = {
            let elapsed = start.duration(to: clock.now)
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        let control = PollControl(window: self.options.window, delaySeconds: self.options.refreshSeconds)
        let (events, continuation) = AsyncStream.makeStream(of: TopEvent.self, bufferingPolicy: .bufferingNewest(256))

        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await bytes in KeyboardInput.bytes(from: self.terminal.input) { continuation.yield(.keys(bytes)) }
                continuation.yield(.inputClosed)
            }
            group.addTask {
                for await signal in signals {
                    continuation.yield(signal == .sigwinch ? .resize : .terminate(signal: signal.rawValue))
                }
            }
            group.addTask { await self.poll(control: control, seconds: seconds, into: continuation) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    continuation.yield(.tick)
                }
            }
            let code = await self.loop(events: events, control: control, seconds: seconds)
            continuation.finish()
            group.cancelAll()
            return code
        }
    }

    /// Polls forever: waits the refresh interval (or the backoff), or less when the screen asks for fresh data.
    func poll(control: PollControl, seconds: @escaping @Sendable () -> Double, into continuation: AsyncStream<TopEvent>.Continuation) async {
        while !Task.isCancelled {
            let generation = control.generation
            let result: Result<TopPoll, FunnelAPIError>
            do {
                result = .success(try await FunnelAPIClient.poll(self.clients, window: control.window, grouping: control.grouping))
            } catch {
                result = .failure(error)
            }
            if Task.isCancelled { return }
            continuation.yield(.polled(result, atSeconds: seconds()))
            // Give the loop a moment to take the result in and set the next delay.
            try? await Task.sleep(for: .milliseconds(20))
            let due = seconds() + control.delaySeconds
            control.setNextPoll(at: due)
            while !Task.isCancelled, seconds() < due, control.generation == generation {
                try? await Task.sleep(for: .milliseconds(50))
            }
            control.setNextPoll(at: nil)
        }
    }

    /// Takes events in order, keeps the model and the view, and redraws when something changed.
    ///
    /// A lone Esc may be the start of a sequence split across reads, so it counts as Esc at the next tick.
    func loop(events: AsyncStream<TopEvent>, control: PollControl, seconds: @escaping @Sendable () -> Double) async -> Int32 {
        let server = self.clients.count == 1 ? self.clients[0].baseURL : "\(self.clients.count) servers"
        var model = TopModel(server: server, refreshSeconds: self.options.refreshSeconds)
        var view = TopViewState(selectedPipeline: self.options.pipeline, window: self.options.window)
        var decoder = TopKeyDecoder()
        var size = self.terminal.size() ?? .classic
        var lastFrame = ""

        func snapshot() -> TopSnapshot {
            let now = seconds()
            return model.snapshot(
                view: view, atSeconds: now, nowMillis: wallClockMillis(),
                nextPollInSeconds: control.nextPollAtSeconds.map { max(0, $0 - now) }
            )
        }

        func draw() {
            let snapshot = snapshot()
            let frame = TerminalDevice.frame(TopScreen.render(snapshot, size: size, color: self.options.color))
            if frame != lastFrame {
                self.terminal.write(frame)
                lastFrame = frame
            }
        }

        /// Applies `keys`; true once one of them quits.
        func handle(_ keys: [TopKey]) -> Bool {
            for key in keys {
                let viewport = TopScreen.viewport(snapshot(), size: size)
                let labels = model.labels(of: view.selectedPipeline)
                switch view.handle(key, pipelines: model.pipelines, ranked: model.ranking.map(\.pipeline), labels: labels, viewport: viewport) {
                case .quit: return true
                case .refetch: control.pollNow(window: view.window, grouping: view.grouping)
                case .redraw, .none: control.setGrouping(view.grouping)
                }
            }
            return false
        }

        draw()
        for await event in events {
            switch event {
            case .keys(let bytes):
                if handle(decoder.decode(bytes)) { return 0 }
            case .inputClosed:
                return 0
            case .resize:
                size = self.terminal.size() ?? size
                lastFrame = ""
            case .terminate(let signal):
                return 128 + signal
            case .polled(.success(let poll), let at):
                model.record(poll, atSeconds: at)
                view.reconcile(pipelines: model.pipelines, declaredLabels: model.declaredLabels)
                control.setGrouping(view.grouping)
                control.setDelay(model.nextPollDelay)
            case .polled(.failure(let error), _):
                model.recordFailure(error.shortDescription)
                control.setDelay(model.nextPollDelay)
            case .tick:
                if handle(decoder.flush()) { return 0 }
            }
            view.clamp(to: TopScreen.viewport(snapshot(), size: size))
            draw()
        }
        return 0
    }
}
