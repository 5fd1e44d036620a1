/// How to read an SQS queue's depth: `GetQueueAttributes` on `queueURL`, signed for `region`, sent to `endpoint`.
public struct SQSSourceSettings: Sendable, Hashable {
    /// The queue URL, e.g. `https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq`.
    public var queueURL: String
    public var region: String
    /// Where requests go, e.g. `http://127.0.0.1:5000` for LocalStack or moto; defaults to the queue URL's origin.
    public var endpoint: String
    /// A profile of the shared credentials file to use instead of the environment's keys.
    public var profile: String?

    public init(queueURL: String, region: String, endpoint: String, profile: String? = nil) {
        self.queueURL = queueURL
        self.region = region
        self.endpoint = endpoint
        self.profile = profile
    }
}
