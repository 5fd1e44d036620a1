/// The samples of a Prometheus text exposition, as `series -> value`, for counting what a peer exposes.
struct ExpositionSamples {
    /// `name{labels}` (as written) and value, one per sample line.
    var samples: [(series: Substring, value: Double)] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            // name{labels} value [timestamp]; label values here never hold spaces or braces.
            let seriesEnd = line.firstIndex(of: "}").map { line.index(after: $0) } ?? line.firstIndex(of: " ") ?? line.endIndex
            let rest = line[seriesEnd...].split(separator: " ")
            guard let valueText = rest.first else { continue }
            let value: Double = switch valueText {
            case "nan", "NaN": .nan
            case "+Inf": .infinity
            default: Double(valueText) ?? .nan
            }
            self.samples.append((line[..<seriesEnd], value))
        }
    }

    /// The sum of the samples whose series starts with `prefix` and contains every string in `containing`.
    func sum(_ prefix: String, containing: [String] = []) -> Double {
        self.samples.reduce(0) { total, sample in
            guard sample.series.hasPrefix(prefix), containing.allSatisfy({ sample.series.contains($0) }), !sample.value.isNaN else { return total }
            return total + sample.value
        }
    }

    /// The value of the first sample whose series starts with `prefix` and contains every string in `containing`.
    func value(_ prefix: String, containing: [String] = []) -> Double? {
        self.samples.first { sample in sample.series.hasPrefix(prefix) && containing.allSatisfy { sample.series.contains($0) } }?.value
    }

    /// How many samples have a series starting with `prefix`.
    func count(_ prefix: String) -> Int {
        self.samples.count { $0.series.hasPrefix(prefix) }
    }
}
