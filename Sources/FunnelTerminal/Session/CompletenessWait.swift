import FunnelCore

/// `funnel wait` without the command line: asks the completeness gate until a range of event time is complete,
/// settled below its threshold, or the time is up.
public struct CompletenessWait: Sendable {
    public var client: FunnelAPIClient
    public var pipeline: String
    /// Start and end of the range, as the server reads them (RFC 3339 or Unix seconds).
    public var from: String
    public var to: String
    /// The ratio to reach; the server's default (0.999) when nil.
    public var threshold: Double?
    public var timeout: Duration
    /// Time between two questions.
    public var interval: Duration

    /// How a wait ended, and its exit status.
    public enum Verdict: Int32, Sendable {
        /// Every bucket settled and the ratio reached the threshold.
        case complete = 0
        /// The time was up first.
        case timedOut = 1
        /// Every bucket settled, the ratio below the threshold: waiting longer changes nothing.
        case belowThreshold = 2
        /// The server cannot answer this question (no such pipeline, a range past retention, a refused token).
        case unanswerable = 3
    }

    /// What to print and how to exit.
    public struct Outcome: Sendable {
        public var standardOutput: String
        public var standardError: String
        public var verdict: Verdict
    }

    public init(client: FunnelAPIClient, pipeline: String, from: String, to: String, threshold: Double?, timeout: Duration, interval: Duration) {
        self.client = client
        self.pipeline = pipeline
        self.from = from
        self.to = to
        self.threshold = threshold
        self.timeout = timeout
        self.interval = interval
    }

    /// Asks until there is a verdict; `progress` gets a line whenever what is awaited changes (stderr in the CLI).
    /// An unreachable server is asked again until the time is up: a job started before its server is not an error.
    public func run(progress: @Sendable (String) -> Void = { _ in }, clock: ContinuousClock = ContinuousClock()) async -> Outcome {
        let deadline = clock.now.advanced(by: self.timeout)
        var lastProgress = ""
        var lastAnswer: Completeness?
        var lastProblem: FunnelAPIError?
        while true {
            do {
                let answer = try await self.client.completeness(pipeline: self.pipeline, from: self.from, to: self.to, threshold: self.threshold)
                lastAnswer = answer
                lastProblem = nil
                if answer.complete { return Outcome(standardOutput: "COMPLETE: " + Self.figures(answer) + "\n", standardError: "", verdict: .complete) }
                if answer.settled {
                    return Outcome(standardOutput: "BELOW THRESHOLD: " + Self.figures(answer) + "\n", standardError: "", verdict: .belowThreshold)
                }
                let line = "waiting: \(answer.unsettledBuckets) bucket\(answer.unsettledBuckets == 1 ? "" : "s") of \(answer.pipeline) [\(answer.from), \(answer.to)) not settled yet"
                if line != lastProgress { progress(line) }
                lastProgress = line
            } catch .badStatus(let url, let status, let body) where (400..<500).contains(status) && status != 429 {
                let error = FunnelAPIError.badStatus(url: url, status: status, body: body)
                return Outcome(standardOutput: "", standardError: "UNANSWERABLE: \(error)\n", verdict: .unanswerable)
            } catch {
                if lastProblem != error { progress("\(error); asking again") }
                lastProblem = error
            }
            let now = clock.now
            guard now < deadline else { break }
            try? await Task.sleep(until: min(now.advanced(by: self.interval), deadline), clock: clock)
            if Task.isCancelled { break }
        }
        var message = "TIMED OUT after \(Self.text(self.timeout)): "
        if let lastAnswer {
            message += Self.figures(lastAnswer) + ", \(lastAnswer.unsettledBuckets) bucket\(lastAnswer.unsettledBuckets == 1 ? "" : "s") not settled"
        } else if let lastProblem {
            message += lastProblem.description
        }
        return Outcome(standardOutput: message + "\n", standardError: "", verdict: .timedOut)
    }

    /// `orders [2026-12-01T10:00:00Z, 2026-12-01T11:00:00Z): delivered 998 of 1000 (99.80%, threshold 99.90%), recoverable 1, net missing 1`.
    static func figures(_ answer: Completeness) -> String {
        let ratio = answer.ratio.map { NumberText.percent($0, digits: 2) } ?? "nothing ingested"
        return "\(answer.pipeline) [\(answer.from), \(answer.to)): delivered \(answer.delivered) of \(answer.ingested) (\(ratio), threshold "
            + "\(NumberText.percent(answer.threshold, digits: 2))), recoverable \(answer.recoverable), net missing \(answer.netMissing)"
    }

    static func text(_ duration: Duration) -> String {
        DurationText.format(seconds: duration.components.seconds)
    }
}
