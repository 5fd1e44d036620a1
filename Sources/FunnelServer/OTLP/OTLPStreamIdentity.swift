import Crypto
import SwiftProtobuf

/// The canonical identity of an OTLP stream (resource attributes, scope, metric name, point attributes), hashed.
///
/// Attributes are taken sorted by key and each is length-prefixed, so the same stream hashes the same however its
/// sender orders its attributes, and no two different streams share an encoding.
struct OTLPStreamIdentity {
    private var hasher = SHA256()

    /// The identity of the streams of one metric of one resource and scope, to which each point adds its attributes.
    init(resource: [OTLPKeyValue], scope: OTLPScope, metricName: String) {
        self.append(attributes: resource)
        self.append(Array(scope.name.utf8))
        self.append(Array(scope.version.utf8))
        self.append(attributes: scope.attributes)
        self.append(Array(metricName.utf8))
    }

    /// The identifier of the stream of the point with `attributes`.
    func stream(attributes: [OTLPKeyValue]) -> CumulativeStreamID {
        var identity = self
        identity.append(attributes: attributes)
        let digest = Array(identity.hasher.finalize())
        return CumulativeStreamID(bytes: digest)!
    }

    private mutating func append(attributes: [OTLPKeyValue]) {
        let sorted = attributes.sorted { $0.key < $1.key }
        self.append(withUnsafeBytes(of: UInt32(truncatingIfNeeded: sorted.count).littleEndian) { Array($0) })
        for attribute in sorted {
            self.append((try? attribute.serializedBytes()) ?? Array(attribute.key.utf8))
        }
    }

    private mutating func append(_ bytes: [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count).littleEndian) { self.hasher.update(bufferPointer: $0) }
        self.hasher.update(data: bytes)
    }
}
