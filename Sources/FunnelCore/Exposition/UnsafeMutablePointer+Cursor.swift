extension UnsafeMutablePointer<UInt8> {
    /// Writes `byte` here and moves past it.
    @inline(__always)
    mutating func put(_ byte: UInt8) {
        self.pointee = byte
        self += 1
    }

    /// Copies `bytes` here and moves past them.
    @inline(__always)
    mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        self.update(from: source, count: bytes.count)
        self += bytes.count
    }
}
