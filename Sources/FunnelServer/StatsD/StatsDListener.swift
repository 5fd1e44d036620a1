import AsyncAlgorithms
import FunnelCore
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Listens for StatsD/DogStatsD lines over UDP and newline-delimited TCP and counts them in the ledger.
///
/// Lines are parsed as they arrive and summed per distinct line in a ``StatsDAccumulator`` (counters add up,
/// timers go into a sketch, gauges keep their last depth). Every `flushIntervalSeconds`, or as soon as
/// `flushLines` entries wait, the sums are handed to ``ReportIntake/ingest(_:policy:claim:)``: admitted,
/// written to SQLite and counted, exactly like an HTTP request. Datagrams are read by a ``UDPDatagramReader`` on a
/// thread of its own, all that wait in one system call (`recvmmsg`). A bad line never stops the listener:
/// it is counted under its reason and the first few per minute are logged. UDP has no backpressure, so under
/// overload the kernel drops datagrams; the receive buffer is made large and the drops are reported.
public final class StatsDListener: Service, Sendable {
    private let configuration: StatsDConfiguration
    private let intake: ReportIntake
    private let logger: Logger
    private let badLines: BadLineLog
    private let onListening: @Sendable (StatsDBinding) async -> Void
    private let tally = Mutex(StatsDCounters())
    /// Sums the lines; made anew, with the parser, when a reload changes the mappings or the declared labels.
    private let accumulator: Mutex<StatsDAccumulator>
    /// The UDP reader, once bound; paused by ``receive(datagram:)`` until the flusher catches up.
    private let udpReader = Mutex<UDPDatagramReader?>(nil)
    /// Where unmatched lines go (`statsd.forward_unmatched`), once ``run()`` has opened it.
    private let forwarder = Mutex<StatsDForwarder?>(nil)
    private let flushDue = Wakeup()
    private let binding = Mutex(StatsDBinding())
    private let connections = Mutex(OpenConnections())

    private struct OpenConnections {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var closing = false
    }

    public init(
        configuration: StatsDConfiguration,
        intake: ReportIntake,
        logger: Logger,
        onListening: @escaping @Sendable (StatsDBinding) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.intake = intake
        let parser = StatsDLineParser(mappings: configuration.mappings, labels: StatsDDeclaredLabels(intake.declaredLabels()))
        self.accumulator = Mutex(StatsDAccumulator(parser: parser, latencyBucketsSeconds: intake.latencyBucketsSeconds))
        if configuration.forwardUnmatched != nil { self.tally.withLock { $0.forwardedLines = 0 } }
        self.logger = logger
        self.badLines = BadLineLog(limitPerMinute: configuration.loggedBadLinesPerMinute, logger: logger, clock: { intake.nowMillis })
        self.onListening = onListening
    }

    /// The line counters, with the kernel's drop count for the UDP socket where the platform exposes it.
    public var counters: StatsDCounters {
        var counters = self.tally.withLock { $0 }
        if let port = self.binding.withLock({ $0.udp?.port }) {
            counters.kernelDrops = UDPSocketDrops.read(port: port)
        }
        return counters
    }

    /// The addresses bound, once ``run()`` has bound them.
    public var boundAddresses: StatsDBinding { self.binding.withLock { $0 } }

    // MARK: Running

    public func run() async throws {
        if let address = self.configuration.forwardUnmatched {
            let forwarder = try StatsDForwarder(to: address)
            self.forwarder.withLock { $0 = forwarder }
        }
        let udp = try self.configuration.udpListen.map { try self.bindUDP($0) }
        let tcp = try await self.configuration.tcpListen.asyncMap { try await self.bindTCP($0) }
        let binding = self.binding.withLock { $0 }
        self.logger.info(
            "StatsD listening",
            metadata: [
                "udp": "\(binding.udp?.description ?? "off")", "tcp": "\(binding.tcp?.description ?? "off")",
                "receive_buffer_bytes": "\(self.tally.withLock { $0.receiveBufferBytes }.map(String.init) ?? "-")",
            ]
        )
        await self.onListening(binding)

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Flushes every interval, or at once when the readers say enough lines wait; the readers go on
                // reading meanwhile, so the socket is drained while the database writes.
                let interval = Duration.checkedSeconds(self.configuration.flushIntervalSeconds) ?? .milliseconds(100)
                while !Task.isCancelled {
                    await self.flushDue.wait(upTo: interval)
                    await self.flush()
                }
            }
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { readers in
                    if let udp { readers.addTask { await udp.read { self.receive(datagram: $0) } } }
                    if let tcp { readers.addTask { await self.accept(tcp) } }
                }
            } onGracefulShutdown: {
                udp?.stop()
                tcp?.channel.close(promise: nil)
                let open = self.connections.withLock { connections in
                    connections.closing = true
                    return Array(connections.channels.values)
                }
                for channel in open { channel.close(promise: nil) }
            }
            group.cancelAll()
        }
        await self.flush()
        self.logger.info("StatsD listener stopped")
    }

    // MARK: UDP

    private func bindUDP(_ address: ListenAddress) throws -> UDPDatagramReader {
        let reader = try UDPDatagramReader(binding: address, receiveBufferBytes: self.configuration.receiveBufferBytes)
        if let granted = reader.receiveBufferBytes, granted < self.configuration.receiveBufferBytes {
            self.logger.notice(
                "the kernel granted a smaller StatsD receive buffer than configured; raise net.core.rmem_max to absorb bursts",
                metadata: ["requested_bytes": "\(self.configuration.receiveBufferBytes)", "granted_bytes": "\(granted)"]
            )
        }
        self.tally.withLock { $0.receiveBufferBytes = reader.receiveBufferBytes }
        self.binding.withLock { $0.udp = reader.address }
        self.udpReader.withLock { $0 = reader }
        return reader
    }

    /// Takes one datagram's lines, on the reader's thread; returns false to pause reading when the flusher is far behind.
    func receive(datagram bytes: UnsafeRawBufferPointer) -> Bool {
        // The flusher is behind past 8x `flushLines`: let the kernel hold the datagrams (and count what it drops)
        // rather than grow without bound.
        self.process(bytes, overTCP: false) < self.configuration.flushLines * 8
    }

    // MARK: TCP

    private typealias StreamChannel = NIOAsyncChannel<ByteBuffer, Never>

    private func bindTCP(_ address: ListenAddress) async throws -> NIOAsyncChannel<StreamChannel, Never> {
        let server: NIOAsyncChannel<StreamChannel, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try StreamChannel(wrappingChannelSynchronously: channel) }
                }
        } catch {
            throw ListenerStartError(error, address: "StatsD tcp://\(address)", flag: "--statsd-tcp or statsd.tcp_listen") ?? error
        }
        let port = server.channel.localAddress?.port ?? address.port
        self.binding.withLock { $0.tcp = ListenAddress(host: address.host, port: port) }
        return server
    }

    private func accept(_ server: NIOAsyncChannel<StreamChannel, Never>) async {
        do {
            try await server.executeThenClose { inbound in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in inbound {
                            group.addTask { await self.serve(connection) }
                        }
                    } catch {
                        self.logger.debug("StatsD TCP listener closed", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch {
            self.logger.debug("StatsD TCP listener closed", metadata: ["error": "\(error)"])
        }
    }

    private func serve(_ connection: StreamChannel) async {
        let id = ObjectIdentifier(connection.channel)
        let admitted = self.connections.withLock { connections in
            guard !connections.closing else { return false }
            connections.channels[id] = connection.channel
            return true
        }
        defer { self.connections.withLock { _ = $0.channels.removeValue(forKey: id) } }
        guard admitted else {
            // Close through executeThenClose: a wrapped channel dropped unfinished traps in NIOAsyncWriter.
            try? await connection.executeThenClose { _, _ in }
            return
        }
        var carry: [UInt8] = []
        var discarding = false
        do {
            try await connection.executeThenClose { inbound, _ in
                for try await buffer in inbound {
                    var full = false
                    buffer.withUnsafeReadableBytes { bytes in
                        var start = 0
                        if discarding {
                            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return }
                            discarding = false
                            start = newline + 1
                        }
                        guard let last = bytes[start...].lastIndex(of: UInt8(ascii: "\n")) else {
                            carry.append(contentsOf: bytes[start...])
                            return
                        }
                        carry.append(contentsOf: bytes[start..<last])
                        full = carry.withUnsafeBytes { self.process($0, overTCP: true) } >= self.configuration.flushLines * 8
                        carry.removeAll(keepingCapacity: true)
                        carry.append(contentsOf: bytes[(last + 1)...])
                    }
                    if carry.count > self.configuration.maximumLineBytes {
                        self.count(StatsDLineRejection(.tooLong, "line longer than \(self.configuration.maximumLineBytes) bytes"), line: carry)
                        carry.removeAll(keepingCapacity: false)
                        discarding = true
                    }
                    if full { await self.flush() }
                }
            }
        } catch {
            self.logger.debug("StatsD TCP connection closed", metadata: ["error": "\(error)"])
        }
        if !carry.isEmpty, !discarding {
            _ = carry.withUnsafeBytes { self.process($0, overTCP: true) }
        }
    }

    // MARK: Lines

    /// Sums the lines in `bytes` and counts the bad ones; returns how many entries wait, signalling the flusher past `flushLines`.
    private func process(_ bytes: UnsafeRawBufferPointer, overTCP: Bool) -> Int {
        var rejected = StatsDCounters()
        let maximumLineBytes = overTCP ? self.configuration.maximumLineBytes : Int.max
        let transport = overTCP ? "tcp" : "udp"
        let forwarder = self.forwarder.withLock { $0 }
        // Pointers into `bytes`, which outlives this call.
        var unmatched: [UnsafeRawBufferPointer] = []
        let waiting = self.accumulator.withLock { accumulator in
            accumulator.add(bytes, maximumLineBytes: maximumLineBytes) { line, rejection in
                if forwarder != nil, Self.isUnmatched(line, rejection) {
                    unmatched.append(line)
                    return
                }
                rejected.reject(rejection.reason)
                self.badLines.note(rejection, line: line, transport: transport)
            }
            return accumulator.waitingEntries
        }
        if let forwarder, !unmatched.isEmpty {
            rejected.forwardedLines = UInt64(unmatched.count)
            rejected.forwardFailedLines = UInt64(forwarder.send(unmatched))
        }
        if !rejected.rejectedLines.isEmpty || rejected.forwardedLines != nil { self.tally.withLock { $0.add(rejected) } }
        if waiting >= self.configuration.flushLines { self.flushDue.signal() }
        return waiting
    }

    /// Whether a refused line is someone else's: a name that is not Funnel's and that no mapping takes, of any type.
    private static func isUnmatched(_ line: UnsafeRawBufferPointer, _ rejection: StatsDLineRejection) -> Bool {
        switch rejection.reason {
        case .unmapped: return true
        case .unknownType: return !line.starts(with: "funnel.".utf8)
        default: return false
        }
    }

    private func count(_ rejection: StatsDLineRejection, line: [UInt8]) {
        self.tally.withLock { $0.reject(rejection.reason) }
        line.withUnsafeBytes { self.badLines.note(rejection, line: $0, transport: "tcp") }
    }

    /// Writes the waiting sums to the database and counts them in the ledger; resumes paused UDP reads.
    func flush() async {
        let batch = self.accumulator.withLock { $0.drain() }
        self.resumeUDPReads()
        await self.store(batch)
    }

    /// Writes `batch` to the database and counts it, with what was refused counted by reason.
    private func store(_ batch: StatsDBatch) async {
        guard !batch.isEmpty else { return }
        do {
            let result = try await self.intake.ingest(batch.entries, policy: .skipRefused)
            let weights = batch.weights
            var refusedLines: UInt64 = 0
            self.tally.withLock { tally in
                for refusal in result.refused where refusal.index < weights.count {
                    let lines = weights[refusal.index]
                    refusedLines &+= lines
                    tally.reject(StatsDLineRejection.Reason(admission: refusal.rejection.reason), count: lines)
                }
                tally.acceptedLines &+= (batch.lines - refusedLines)
            }
        } catch {
            let lines = batch.lines - batch.zeroCountLines
            self.tally.withLock {
                $0.acceptedLines &+= batch.zeroCountLines
                $0.reject(.storeFailed, count: lines)
            }
            self.logger.error("could not store StatsD lines; they are not counted", metadata: ["lines": "\(lines)", "error": "\(error)"])
        }
    }

    private func resumeUDPReads() {
        self.udpReader.withLock { $0 }?.resume()
    }
}


extension StatsDListener: ConfigurationReloadable {
    /// Takes reloaded `statsd.mappings` and the pipelines' declared labels (applied after ``ReportIntake``'s reload):
    /// what was summed under the old ones is flushed, and lines from now on resolve with the new ones. The listeners
    /// themselves need a restart.
    public func apply(_ configuration: FunnelConfiguration) async -> [String] {
        let parser = StatsDLineParser(mappings: configuration.statsd.mappings, labels: StatsDDeclaredLabels(self.intake.declaredLabels()))
        let bounds = self.intake.latencyBucketsSeconds
        let batch: StatsDBatch? = self.accumulator.withLock { accumulator in
            guard accumulator.parser != parser else { return nil }
            let batch = accumulator.drain()
            accumulator = StatsDAccumulator(parser: parser, latencyBucketsSeconds: bounds)
            return batch
        }
        if let batch { await self.store(batch) }
        return []
    }
}

extension Optional {
    fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async throws -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
