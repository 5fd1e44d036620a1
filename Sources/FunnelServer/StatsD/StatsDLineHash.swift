/// A fast seeded hash of a StatsD line's meaning key (``StatsDLineFields/meaningKey(name:into:)``), eight bytes at a time.
///
/// Keys are short (20-60 bytes) and hashed once per line, so a general-purpose streaming hasher costs more than
/// the rest of the line's work. Collisions only cost probes, which ``StatsDAccumulator`` bounds.
enum StatsDLineHash {
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The hash of `key`.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var state = seed ^ UInt64(truncatingIfNeeded: key.count)
        state = Self.absorb(key, into: state)
        // The finalizer of MurmurHash3: every input bit affects every output bit.
        state ^= state >> 33
        state &*= 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state &*= 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 33
        return state
    }

    @inline(__always)
    private static func absorb(_ bytes: UnsafeRawBufferPointer, into state: UInt64) -> UInt64 {
        var state = state
        var offset = 0
        while offset + 8 <= bytes.count {
            state = Self.mix(state, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count, bytes.count >= 8 {
            // The last eight bytes, overlapping what was read: one load instead of a byte loop.
            state = Self.mix(state, bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        } else if offset < bytes.count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                word |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            state = Self.mix(state, word)
        }
        return state
    }

    @inline(__always)
    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (state ^ word) &* Self.multiplier
        return mixed ^ (mixed >> 29)
    }
}
