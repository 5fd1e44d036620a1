/// Parses and formats the event times that reports carry: RFC 3339 strings or Unix seconds, as Unix milliseconds.
public enum EventTimestamp {
    /// Parses an RFC 3339 timestamp such as `2026-11-26T10:15:00.250Z` or `2026-11-26T11:15:00+01:00`.
    ///
    /// Returns Unix milliseconds, or nil when the text is not RFC 3339. Fractions below a millisecond are truncated.
    public static func parseRFC3339(_ text: some StringProtocol) -> Int64? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { Self.parseRFC3339(UnsafeBufferPointer($0)) }
    }

    /// Parses RFC 3339 from raw UTF-8 bytes; see ``parseRFC3339(_:)-(StringProtocol)``.
    public static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var position = 0
        func digits(_ n: Int) -> Int64? {
            guard position + n <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<n {
                let byte = bytes[position + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            position += n
            return value
        }
        func expect(_ character: UInt8, or alternatives: (UInt8, UInt8)? = nil) -> Bool {
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            guard byte == character || byte == alternatives?.0 || byte == alternatives?.1 else { return false }
            position += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")),
            let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), expect(UInt8(ascii: "T"), or: (UInt8(ascii: "t"), UInt8(ascii: " "))),
            let hour = digits(2), expect(UInt8(ascii: ":")),
            let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var millis: Int64 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var scale: Int64 = 100
            var fractionDigits = 0
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                millis += Int64(bytes[position] - UInt8(ascii: "0")) * scale
                scale /= 10
                fractionDigits += 1
                position += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if expect(UInt8(ascii: "Z"), or: (UInt8(ascii: "z"), UInt8(ascii: "z"))) {
            offsetSeconds = 0
        } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            position += 1
            guard let offsetHours = digits(2), expect(UInt8(ascii: ":")), let offsetMinutes = digits(2),
                offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard position == bytes.count else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return seconds * 1000 + millis
    }

    /// Formats Unix milliseconds as RFC 3339 in UTC, e.g. `2026-11-26T10:15:00Z` (milliseconds shown when non-zero).
    public static func formatRFC3339(millis: Int64) -> String {
        // RFC 3339 has four-digit years: times beyond them are shown as the first or last millisecond they allow.
        let millis = min(max(millis, -62_167_219_200_000), 253_402_300_799_999)
        let seconds = millis % 1000 < 0 ? millis / 1000 - 1 : millis / 1000
        let remainder = millis - seconds * 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilFromDays(days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if remainder != 0 { text += ".\(pad(remainder, 3))" }
        return text + "Z"
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, after Howard Hinnant's algorithms)

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
