import CFunnelUDP
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads datagrams from a bound UDP socket on a thread of its own, several per system call.
///
/// The thread blocks in `recvmmsg` until a datagram arrives and then takes every datagram already waiting (up to
/// ``datagramsPerRead``) in the same call: one system call per wakeup. An event loop would add a readiness wait
/// and a second read that finds the socket empty, and wrap each datagram in an envelope with its sender's address;
/// at a few thousand datagrams a second that was most of the listener's CPU.
///
/// Under a light load every datagram would still cost a wakeup of its own. So when a read finds the socket drained
/// and the receive buffer is large (at least ``coalescingMinimumBufferBytes``), the thread sleeps
/// ``coalescingMicroseconds`` before the next read and takes what gathered meanwhile in one call: a few hundred
/// wakeups a second instead of one per datagram, for a delay no flush interval notices. Even at the fastest rate the
/// listener can process, what arrives in that time is a fraction of such a buffer. With a small buffer (an
/// unprivileged process under the default `net.core.rmem_max`), the thread reads as soon as anything arrives.
///
/// The handler can pause reading, leaving datagrams to the kernel's receive buffer until ``resume()``.
final class UDPDatagramReader: Sendable {
    /// Datagrams taken per system call.
    static let datagramsPerRead = 16
    /// The largest UDP payload, so that no datagram is cut short.
    static let maximumDatagramBytes = 65_536
    /// How long a drained reader lets datagrams gather before it reads again.
    static let coalescingMicroseconds: UInt32 = 2_000
    /// The smallest receive buffer that absorbs what arrives while the reader lets datagrams gather.
    static let coalescingMinimumBufferBytes = 4 << 20

    /// The address bound, with the port the kernel chose when 0 was asked.
    let address: ListenAddress
    /// The receive buffer the kernel granted, in bytes.
    let receiveBufferBytes: Int?

    private let descriptor: Int32
    private let stopping = Atomic<Bool>(false)
    /// True while the handler has paused reading; ``pausedHint`` mirrors it for a check without the lock.
    private let paused = ConditionLock<Bool>(value: false)
    private let pausedHint = Atomic<Bool>(false)

    /// Binds a UDP socket to `address` and asks for a receive buffer of `receiveBufferBytes`.
    init(binding address: ListenAddress, receiveBufferBytes: Int) throws(UDPBindError) {
        let resolved: SocketAddress
        do {
            resolved = try SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
        } catch {
            throw UDPBindError(address: address, reason: "cannot resolve the host: \(error)")
        }
        let family = resolved.protocol.rawValue
        #if canImport(Glibc)
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let descriptor = socket(family, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw UDPBindError(address: address, reason: "socket: \(Self.lastError())") }
        // No SO_REUSEADDR: UDP has no TIME_WAIT to step over, and with it a second server on the same port would
        // silently take a share of the datagrams instead of failing to start.
        let bound = resolved.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
        let port = funnel_udp_bound_port(descriptor)
        guard bound == 0, port >= 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw UDPBindError(address: address, reason: reason)
        }
        // A timeout lets the thread notice a stop even where shutdown(2) does not wake a blocked read.
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.descriptor = descriptor
        self.address = ListenAddress(host: address.host, port: Int(port))
        self.receiveBufferBytes = Self.enlargeReceiveBuffer(descriptor, to: receiveBufferBytes)
    }

    /// Asks for a receive buffer of `bytes`, past `net.core.rmem_max` where allowed (`SO_RCVBUFFORCE`); returns what the kernel granted.
    private static func enlargeReceiveBuffer(_ descriptor: Int32, to bytes: Int) -> Int? {
        var value = Int32(clamping: bytes)
        let size = socklen_t(MemoryLayout<Int32>.size)
        #if os(Linux)
        if setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &value, size) != 0 {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &value, size)
        }
        #else
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &value, size)
        #endif
        var granted: Int32 = 0
        var grantedSize = size
        guard getsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &granted, &grantedSize) == 0 else { return nil }
        return Int(granted)
    }

    /// Reads until ``stop()``, handing each datagram to `handle` on the reader's thread, then closes the socket.
    ///
    /// `handle` returns false to pause reading until ``resume()``.
    func read(_ handle: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool) async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                Thread.current.name = "funnel-statsd-udp"
                self.readUntilStopped(handle)
                close(self.descriptor)
                finished.resume()
            }
            thread.start()
        }
    }

    private func readUntilStopped(_ handle: (UnsafeRawBufferPointer) -> Bool) {
        let slots = Self.datagramsPerRead
        let slotBytes = Self.maximumDatagramBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: slots * slotBytes, alignment: 16)
        defer { buffer.deallocate() }
        var lengths = [Int](repeating: 0, count: slots)
        let coalesces = (self.receiveBufferBytes ?? 0) >= Self.coalescingMinimumBufferBytes
        while !self.stopping.load(ordering: .sequentiallyConsistent) {
            let received = lengths.withUnsafeMutableBufferPointer { lengths in
                lengths.withMemoryRebound(to: size_t.self) { funnel_udp_receive(self.descriptor, buffer, slotBytes, Int32(slots), $0.baseAddress) }
            }
            guard received > 0 else {
                // A timeout or a shutdown: the loop re-checks `stopping`. Any other error is waited out, not spun on.
                if received < 0, errno != EAGAIN, errno != EWOULDBLOCK { usleep(10_000) }
                continue
            }
            var keepReading = true
            for index in 0..<Int(received) {
                let datagram = UnsafeRawBufferPointer(start: buffer + index * slotBytes, count: lengths[index])
                if !handle(datagram) { keepReading = false }
            }
            if !keepReading {
                self.paused.lock()
                self.pausedHint.store(true, ordering: .sequentiallyConsistent)
                self.paused.unlock(withValue: true)
            }
            if self.pausedHint.load(ordering: .sequentiallyConsistent) {
                // Paused: the kernel holds the datagrams (and counts what it drops) until the handler catches up.
                while !self.stopping.load(ordering: .sequentiallyConsistent) {
                    guard self.paused.lock(whenValue: false, timeoutSeconds: 0.5) else { continue }
                    self.paused.unlock()
                    break
                }
            } else if coalesces, received < slots {
                usleep(Self.coalescingMicroseconds)
            }
        }
    }

    /// Lets a paused reader go on reading.
    func resume() {
        guard self.pausedHint.load(ordering: .sequentiallyConsistent) else { return }
        self.paused.lock()
        self.pausedHint.store(false, ordering: .sequentiallyConsistent)
        self.paused.unlock(withValue: false)
    }

    /// Stops reading: the thread wakes, leaves its loop and closes the socket.
    func stop() {
        self.stopping.store(true, ordering: .sequentiallyConsistent)
        shutdown(self.descriptor, Int32(SHUT_RDWR))
        self.resume()
    }

    private static func lastError() -> String {
        String(cString: strerror(errno)) + " (errno \(errno))"
    }
}
