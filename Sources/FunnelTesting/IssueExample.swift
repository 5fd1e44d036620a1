/// Configuration examples that issues quote verbatim, so every test that proves one reads the same text.
public enum IssueExample {
    /// The SQS `dlq_sources` entry of issue #10, pointing at `127.0.0.1:5000`.
    public static let sqsSource = """
        dlq_sources:
          - kind: sqs
            pipeline: orders
            queue: orders-dlq
            queue_url: http://127.0.0.1:5000/123456789012/orders-dlq
            region: us-east-1
            endpoint: http://127.0.0.1:5000
            interval: 2s

        """
}
