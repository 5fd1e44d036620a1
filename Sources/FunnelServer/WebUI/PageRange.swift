/// The event-time range a pipeline page shows: the last hour up to the last 72 hours, or everything retained.
enum PageRange: String, CaseIterable, Sendable {
    case oneHour = "1h"
    case sixHours = "6h"
    case oneDay = "24h"
    case threeDays = "72h"
    case retained = "all"

    /// How far back the range reaches, or nil for everything retained.
    var millis: Int64? {
        switch self {
        case .oneHour: 3_600_000
        case .sixHours: 6 * 3_600_000
        case .oneDay: 24 * 3_600_000
        case .threeDays: 72 * 3_600_000
        case .retained: nil
        }
    }

    var title: String {
        self == .retained ? "all retained" : "last " + self.rawValue
    }
}
