import Foundation
import FunnelTerminal
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to standard output as the commands make them: whole, and a closed pipe said rather than fatal.
@Suite struct CommandOutputTests {
    @Test func aClosedPipeIsTheReaderGoneNotACrash() throws {
        CommandOutput.ignoreBrokenPipeSignal()
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        close(descriptors[0])
        defer { close(descriptors[1]) }
        #expect(CommandOutput(descriptor: descriptors[1]).attempt("orders: delivery 99.62%\n") == .readerGone)
    }

    /// Bytes read on another thread.
    final class ByteCount: Sendable {
        let bytes = Mutex(0)
    }

    @Test func aWriteLargerThanThePipeArrivesWhole() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let text = String(repeating: "tenant-07-order-fulfilment-pipeline-us-east-2 ", count: 20_000)
        let reader = descriptors[0]
        let count = ByteCount()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let got = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if got <= 0 { break }
                count.bytes.withLock { $0 += got }
            }
            done.signal()
        }
        #expect(CommandOutput(descriptor: descriptors[1]).attempt(text) == .written)
        close(descriptors[1])
        done.wait()
        close(reader)
        #expect(count.bytes.withLock { $0 } == text.utf8.count)
    }

    @Test func aBadDescriptorIsAFailureWithItsErrno() {
        #expect(CommandOutput(descriptor: -1).attempt("x") == .failed(errno: EBADF))
    }

    @Test func theClosedPipeStatusIsWhatAShellReportsForSIGPIPE() {
        #expect(CommandOutput.closedPipeExitStatus == 128 + SIGPIPE)
    }
}
