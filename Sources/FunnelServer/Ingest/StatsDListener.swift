import AsyncAlgorithms
public import FunnelCore
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Listens for StatsD/DogStatsD lines over UDP and newline-delimited TCP and counts them in the ledger.
///
/// Lines are parsed as they arrive, batched, and every `flushIntervalSeconds` (or every `flushLines` lines)
/// handed to ``ReportIntake/ingest(_:latencies:)``: admitted, written to SQLite and counted, exactly like
/// an HTTP request, DLQ depth gauges included. A bad line never stops the listener:
/// it is counted under its reason and the first few per minute are logged. UDP has no backpressure, so under
/// overload the kernel drops datagrams; the receive buffer is made large and the drops are reported.
public final class StatsDListener: Service, Sendable {
    private let configuration: StatsDConfiguration
    private let intake: ReportIntake
    private let parser: StatsDLineParser
    private let logger: Logger
    private let badLines: BadLineLog
    private let onListening: @Sendable (StatsDBinding) async -> Void
    private let tally = Mutex(StatsDCounters())
    private let pending = Mutex(PendingStatsDLines())
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
        self.parser = StatsDLineParser(mappings: configuration.mappings)
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
        let udp = try await self.configuration.udpListen.asyncMap { try await self.bindUDP($0) }
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
                let interval = Duration.milliseconds(Int64(self.configuration.flushIntervalSeconds * 1000))
                while !Task.isCancelled {
                    await self.flushDue.wait(upTo: interval)
                    await self.flush()
                }
            }
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { readers in
                    if let udp { readers.addTask { await self.read(udp) } }
                    if let tcp { readers.addTask { await self.accept(tcp) } }
                }
            } onGracefulShutdown: {
                udp?.channel.close(promise: nil)
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

    private typealias DatagramChannel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    private func bindUDP(_ address: ListenAddress) async throws -> DatagramChannel {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelOption(.maxMessagesPerRead, value: 64)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture { try DatagramChannel(wrappingChannelSynchronously: channel) }
            }
        let granted = await Self.enlargeReceiveBuffer(channel.channel, to: self.configuration.receiveBufferBytes, logger: self.logger)
        let port = channel.channel.localAddress?.port ?? address.port
        self.tally.withLock { $0.receiveBufferBytes = granted }
        self.binding.withLock { $0.udp = ListenAddress(host: address.host, port: port) }
        return channel
    }

    /// Asks for a receive buffer of `bytes`, past `net.core.rmem_max` where allowed (`SO_RCVBUFFORCE`); returns what the kernel granted.
    private static func enlargeReceiveBuffer(_ channel: any Channel, to bytes: Int, logger: Logger) async -> Int? {
        let value = SocketOptionValue(clamping: bytes)
        #if os(Linux)
        let force = ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: 33))  // SO_RCVBUFFORCE
        if (try? await channel.setOption(force, value: value).get()) == nil {
            try? await channel.setOption(.socketOption(.so_rcvbuf), value: value).get()
        }
        #else
        try? await channel.setOption(.socketOption(.so_rcvbuf), value: value).get()
        #endif
        let granted = try? await channel.getOption(.socketOption(.so_rcvbuf)).get()
        if let granted, Int(granted) < bytes {
            logger.notice(
                "the kernel granted a smaller StatsD receive buffer than configured; raise net.core.rmem_max to absorb bursts",
                metadata: ["requested_bytes": "\(bytes)", "granted_bytes": "\(granted)"]
            )
        }
        return granted.map { Int($0) }
    }

    private func read(_ channel: DatagramChannel) async {
        do {
            try await channel.executeThenClose { inbound, _ in
                for try await envelope in inbound {
                    let waiting = envelope.data.withUnsafeReadableBytes { self.process($0, transport: "udp") }
                    if waiting >= self.configuration.flushLines * 8 {
                        await self.flush()  // The flusher is behind: hold the reader back rather than grow without bound.
                    } else if waiting >= self.configuration.flushLines {
                        self.flushDue.signal()
                    }
                }
            }
        } catch {
            self.logger.debug("StatsD UDP channel closed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: TCP

    private typealias StreamChannel = NIOAsyncChannel<ByteBuffer, Never>

    private func bindTCP(_ address: ListenAddress) async throws -> NIOAsyncChannel<StreamChannel, Never> {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture { try StreamChannel(wrappingChannelSynchronously: channel) }
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
                        full = carry.withUnsafeBytes { self.process($0, transport: "tcp") } >= self.configuration.flushLines
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
            if carry.withUnsafeBytes({ self.process($0, transport: "tcp") }) >= self.configuration.flushLines { await self.flush() }
        }
    }

    // MARK: Lines

    /// Parses the lines in `bytes`, counts the bad ones and queues the good ones; returns how many lines wait.
    private func process(_ bytes: UnsafeRawBufferPointer, transport: String) -> Int {
        var local = StatsDCounters()
        var reports: [StageReport] = []
        var latencies: [LatencyObservation] = []
        var readings: [QueueDepthReport] = []
        let maximumLineBytes = transport == "tcp" ? self.configuration.maximumLineBytes : Int.max
        self.parser.forEachLine(in: bytes) { line, parsed in
            var result = parsed
            if line.count > maximumLineBytes {
                result = .failure(StatsDLineRejection(.tooLong, "line of \(line.count) bytes is longer than \(maximumLineBytes) bytes"))
            }
            switch result {
            case .success(.events(let report)):
                if report.count == 0 { local.acceptedLines &+= 1 } else { reports.append(report) }
            case .success(.latency(let latency)):
                latencies.append(latency)
            case .success(.dlqDepth(let reading)):
                readings.append(reading)
            case .failure(let rejection):
                local.reject(rejection.reason)
                self.badLines.note(rejection, line: Substring(String(decoding: line, as: UTF8.self)), transport: transport)
            }
        }
        self.tally.withLock { $0.add(local) }
        return self.pending.withLock { pending in
            pending.body.stageReports.append(contentsOf: reports)
            pending.body.queueDepths.append(contentsOf: readings)
            pending.latencies.append(contentsOf: latencies)
            return pending.count
        }
    }

    private func count(_ rejection: StatsDLineRejection, line: [UInt8]) {
        self.tally.withLock { $0.reject(rejection.reason) }
        let text = String(decoding: line.prefix(256), as: UTF8.self)
        self.badLines.note(rejection, line: text[...], transport: "tcp")
    }

    /// Writes the waiting lines to the database and counts them in the ledger.
    func flush() async {
        let batch = self.pending.withLock { pending in
            let batch = pending
            pending = PendingStatsDLines()
            return batch
        }
        guard !batch.isEmpty else { return }
        do {
            let admission = try await self.intake.ingest(batch.body, latencies: batch.latencies)
            self.tally.withLock { tally in
                tally.acceptedLines &+= UInt64(admission.accepted)
                for (reason, count) in admission.refused {
                    tally.reject(StatsDLineRejection.Reason(admission: reason), count: UInt64(count))
                }
            }
        } catch {
            self.tally.withLock { $0.reject(.storeFailed, count: UInt64(batch.count)) }
            self.logger.error("could not store StatsD lines; they are not counted", metadata: ["lines": "\(batch.count)", "error": "\(error)"])
        }
    }
}

extension StatsDLineRejection.Reason {
    /// The line result for an entry the ledger refused.
    init(admission reason: ReportRejection.Reason) {
        switch reason {
        case .tooManyPipelines: self = .tooManyPipelines
        case .tooManyStages: self = .tooManyStages
        case .tooManyQueues: self = .tooManyQueues
        case .eventTimeOutOfRange: self = .eventTimeOutOfRange
        default: self = .malformed
        }
    }
}

extension Optional {
    fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async throws -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
