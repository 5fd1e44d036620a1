import FunnelCore

/// `funnel compare` without the command line: one request, the side-by-side text or the backfill windows, and
/// the exit status.
public struct ComparisonCheck: Sendable {
    public var client: FunnelAPIClient
    public var name: String
    /// Event-time range as the user wrote it (RFC 3339 or Unix seconds); the server checks it.
    public var from: String?
    public var to: String?

    /// What to print and how to exit.
    public struct Outcome: Sendable {
        public var standardOutput: String
        public var standardError: String
        public var exitCode: Int32
    }

    /// Exit status when the candidate delivers a smaller share than the baseline.
    public static let candidateWorseExitCode: Int32 = 2
    /// Exit status when the server cannot answer: unreachable, an unknown comparison, a bad range.
    public static let unknownExitCode: Int32 = 3

    public init(client: FunnelAPIClient, name: String, from: String? = nil, to: String? = nil) {
        self.client = client
        self.name = name
        self.from = from
        self.to = to
    }

    /// Asks the server; never throws. Exits 0, or 2 when the candidate is worse, or 3 when the server cannot
    /// answer. With `backfill`, prints the windows to replay in that format instead of the table, and exits 0
    /// unless the server cannot answer: a listing for a replay tool, not a check.
    public func run(backfill: ComparisonText.BackfillFormat? = nil) async -> Outcome {
        let report: ComparisonReport
        do {
            report = try await self.client.comparison(named: self.name, from: self.from, to: self.to)
        } catch .badStatus(_, 404, _) {
            let known = (try? await self.client.comparisons())?.map(\.name) ?? []
            let list = known.isEmpty ? "the server has no comparisons (comparisons: in its configuration)" : "the server has " + known.joined(separator: ", ")
            return Outcome(standardOutput: "", standardError: "UNKNOWN: no comparison named \(String(reflecting: self.name)); \(list)\n", exitCode: Self.unknownExitCode)
        } catch {
            return Outcome(standardOutput: "", standardError: "UNKNOWN: \(error)\n", exitCode: Self.unknownExitCode)
        }
        let text = ComparisonText(report)
        let exitCode = report.verdict.outcome == .baselineBetter ? Self.candidateWorseExitCode : 0
        if let backfill {
            return Outcome(standardOutput: text.backfill(backfill), standardError: "", exitCode: 0)
        }
        return Outcome(standardOutput: text.lines().joined(separator: "\n") + "\n", standardError: "", exitCode: exitCode)
    }
}
