/// A request's `Idempotency-Key` and a hash of its body, checked and stored in the same transaction as its counts.
public struct IdempotencyClaim: Sendable, Hashable {
    public var key: String
    public var bodyHash: Int64

    public init(key: String, body: UnsafeRawBufferPointer) {
        self.key = key
        self.bodyHash = Self.fnv1a(body)
    }

    /// 64-bit FNV-1a: fast, and enough to tell a retry from a different request under the same key.
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
}
