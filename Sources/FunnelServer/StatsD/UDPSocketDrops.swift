import Foundation

/// Reads how many datagrams the kernel dropped for this process's UDP socket on a port, from `/proc/net/udp`.
///
/// Linux counts, per socket, datagrams it discarded because the receive buffer was full: the last column
/// (`drops`) of `/proc/net/udp` and `/proc/net/udp6`. The socket is found by its port and by its inode being
/// one of this process's open file descriptors. Elsewhere there is no such table, and the reading is nil.
enum UDPSocketDrops {
    /// The drops of this process's UDP sockets bound to `port`, or nil where the platform does not tell.
    static func read(port: Int) -> UInt64? {
        let tables = ["/proc/net/udp", "/proc/net/udp6"].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        guard !tables.isEmpty else { return nil }
        let inodes = Self.openSocketInodes()
        var total: UInt64?
        for table in tables {
            if let drops = Self.parse(table: table, port: port, inodes: inodes) { total = (total ?? 0) + drops }
        }
        return total
    }

    /// Sums the `drops` column of the rows of `table` whose local port is `port` and whose inode is in `inodes`.
    static func parse(table: String, port: Int, inodes: Set<UInt64>) -> UInt64? {
        var total: UInt64?
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
            guard columns.count >= 13,
                let portText = columns[1].split(separator: ":").last, Int(portText, radix: 16) == port,
                let inode = UInt64(columns[9]), inodes.contains(inode),
                let drops = UInt64(columns[12])
            else { continue }
            total = (total ?? 0) + drops
        }
        return total
    }

    /// Inodes of the sockets among this process's open file descriptors (`socket:[12345]` links in `/proc/self/fd`).
    static func openSocketInodes() -> Set<UInt64> {
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        var inodes: Set<UInt64> = []
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)"),
                target.hasPrefix("socket:["), target.hasSuffix("]"),
                let inode = UInt64(target.dropFirst(8).dropLast())
            else { continue }
            inodes.insert(inode)
        }
        return inodes
    }
}
