import Foundation
import FunnelCore
import FunnelServer
import NIOHTTP1
import Testing

/// `GetQueueAttributes` replies as SQS (JSON protocol) and its query-protocol error pages shape them.
@Suite struct SQSReplyTests {
    @Test func readsTheCountsAndTheAgeWhenThereIsOne() throws {
        let body = Data(#"{"Attributes": {"ApproximateNumberOfMessages": "12", "ApproximateNumberOfMessagesNotVisible": "3", "ApproximateAgeOfOldestMessage": "95", "QueueArn": "arn:aws:sqs:us-east-1:1:q"}}"#.utf8)
        #expect(try SQSProbe.reading(from: body) == DLQReading(depth: 12, notVisible: 3, oldestAgeSeconds: 95))
        let withoutAge = Data(#"{"Attributes": {"ApproximateNumberOfMessages": "0"}}"#.utf8)
        #expect(try SQSProbe.reading(from: withoutAge) == DLQReading(depth: 0))
    }

    @Test func refusesAReplyWithoutTheDepth() {
        #expect(throws: DLQSourceError("GetQueueAttributes returned no ApproximateNumberOfMessages")) {
            _ = try SQSProbe.reading(from: Data(#"{"Attributes": {"DelaySeconds": "0"}}"#.utf8))
        }
    }

    @Test(arguments: [
        (#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}"#, "QueueDoesNotExist: The specified queue does not exist."),
        (#"<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message></Error></ErrorResponse>"#, "SignatureDoesNotMatch: The request signature we calculated does not match."),
        ("<html>busy</html>", "HTTP 503 Service Unavailable: <html>busy</html>"),
    ])
    func namesTheErrorCodeAndMessage(body: String, expected: String) {
        let status: HTTPResponseStatus = body.hasPrefix("<html") ? .serviceUnavailable : .badRequest
        #expect(SQSProbe.errorMessage(status: status, body: Data(body.utf8)) == expected)
    }
}
