import FunnelTesting
import Synchronization
import Testing

@testable import FunnelServer

/// The UDP reader's own thread against a real socket on 127.0.0.1: every datagram whole, pause and resume, stop.
@Suite struct UDPDatagramReaderTests {
    static let loopback = ListenAddress(host: "127.0.0.1", port: 0)

    /// The datagrams a reader handed over, as text.
    final class Received: Sendable {
        let texts = Mutex<[String]>([])
        var count: Int { self.texts.withLock { $0.count } }
    }

    /// Starts `reader` collecting datagrams as text; `keepReading` decides, after the nth datagram, whether to go on.
    static func collect(
        _ reader: UDPDatagramReader,
        keepReading: @escaping @Sendable (Int) -> Bool = { _ in true }
    ) -> (received: Received, task: Task<Void, Never>) {
        let received = Received()
        let task = Task {
            await reader.read { bytes in
                let count = received.texts.withLock { list in
                    list.append(String(decoding: bytes, as: UTF8.self))
                    return list.count
                }
                return keepReading(count)
            }
        }
        return (received, task)
    }

    /// With a 1 MiB buffer the reader reads as soon as a datagram arrives; with 8 MiB (granted to root past
    /// `rmem_max`) it lets datagrams gather for a moment between reads. Either way each arrives once and whole.
    @Test(arguments: [1 << 20, 8 << 20])
    func readsEveryDatagramWholeAndStopsWhenAsked(receiveBufferBytes: Int) async throws {
        let reader = try UDPDatagramReader(binding: Self.loopback, receiveBufferBytes: receiveBufferBytes)
        #expect(reader.address.port != 0, "port 0 is replaced by the port the kernel chose")
        let (received, task) = Self.collect(reader)
        let large = String(repeating: "x", count: 60_000)
        let datagrams = (0..<200).map { "line \($0)" } + [large]
        try await StatsDSender.udp(datagrams, port: reader.address.port)
        #expect(try await eventually { received.count == datagrams.count })
        #expect(received.texts.withLock { Set($0) } == Set(datagrams), "each datagram arrives once, whole, 60 KB ones too")
        reader.stop()
        await task.value
    }

    @Test func aPausedReaderLeavesDatagramsToTheKernelUntilResumed() async throws {
        let reader = try UDPDatagramReader(binding: Self.loopback, receiveBufferBytes: 1 << 20)
        let (received, task) = Self.collect(reader) { count in count != 1 }
        try await StatsDSender.udp(["first"], port: reader.address.port)
        #expect(try await eventually { received.count == 1 })
        try await StatsDSender.udp((0..<10).map { "held \($0)" }, port: reader.address.port)
        try await Task.sleep(for: .milliseconds(300))
        #expect(received.count == 1, "nothing is read while paused")
        reader.resume()
        #expect(try await eventually { received.count == 11 })
        reader.stop()
        await task.value
    }

    @Test func stopWakesAReaderThatIsPaused() async throws {
        let reader = try UDPDatagramReader(binding: Self.loopback, receiveBufferBytes: 1 << 20)
        let (received, task) = Self.collect(reader) { _ in false }
        try await StatsDSender.udp(["pause"], port: reader.address.port)
        #expect(try await eventually { received.count == 1 })
        reader.stop()
        await task.value
    }

    @Test func refusesAPortAnotherSocketHoldsNamingTheAddress() async throws {
        let holder = try UDPDatagramReader(binding: Self.loopback, receiveBufferBytes: 1 << 20)
        let port = holder.address.port
        let error = #expect(throws: UDPBindError.self) {
            _ = try UDPDatagramReader(binding: ListenAddress(host: "127.0.0.1", port: port), receiveBufferBytes: 1 << 20)
        }
        #expect(error?.description.contains("udp://127.0.0.1:\(port)") == true)
        #expect(error?.description.contains("in use") == true, "\(error?.description ?? "")")
        let task = Self.collect(holder).task
        holder.stop()
        await task.value
    }

    @Test func refusesAHostThatDoesNotResolve() {
        #expect(throws: UDPBindError.self) {
            _ = try UDPDatagramReader(binding: ListenAddress(host: "no-such-host.invalid", port: 0), receiveBufferBytes: 1 << 20)
        }
    }
}
