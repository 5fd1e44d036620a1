/// The names one parse has already turned into strings, so a batch that repeats a few pipeline and stage names
/// builds each string once and the ledger hashes strings that share storage.
struct NameCache {
    /// How many distinct names are kept; a batch with more keeps the most recent ones.
    static let capacity = 32

    private var bytes: [[UInt8]] = []
    private var names: [String] = []
    private var next = 0

    /// The string for `name`'s bytes, which must already follow ``NameRule`` (ASCII only).
    mutating func name(_ name: UnsafeRawBufferPointer) -> String {
        for index in self.bytes.indices where self.bytes[index].count == name.count {
            if self.bytes[index].withUnsafeBytes({ Self.equal($0, name) }) { return self.names[index] }
        }
        let string = String(decoding: name.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        if self.bytes.count < Self.capacity {
            self.bytes.append(Array(name))
            self.names.append(string)
        } else {
            self.bytes[self.next] = Array(name)
            self.names[self.next] = string
            self.next = (self.next + 1) % Self.capacity
        }
        return string
    }

    /// Whether two byte runs of the same length are equal.
    @inline(__always)
    static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = lhs.count
        while index + 8 <= count {
            if lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self) != rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < count {
            if lhs[index] != rhs[index] { return false }
            index += 1
        }
        return true
    }
}
