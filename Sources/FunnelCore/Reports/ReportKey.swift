/// A key of a report object as read: one of the known fields, or any other key, decoded for the error message.
enum ReportKey: Equatable {
    case field(ReportField)
    case other(String)

    /// Reads a key string: known keys are matched by their bytes, anything else (or anything escaped) is decoded.
    init(reading scanner: inout JSONScanner) throws(ReportRejection) {
        if let range = try scanner.readPlainString() {
            if let field = ReportField(bytes: scanner.slice(range)) {
                self = .field(field)
                return
            }
            scanner.position = range.lowerBound - 1
        }
        let key = try scanner.readString()
        self = ReportField(name: key).map(ReportKey.field) ?? .other(key)
    }

    /// The key as sent.
    var name: String {
        switch self {
        case .field(let field): field.name
        case .other(let key): key
        }
    }
}
