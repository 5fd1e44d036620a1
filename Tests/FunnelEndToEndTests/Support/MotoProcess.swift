import Foundation
import FunnelTesting

/// A real moto server (AWS mocks, server mode) on a free loopback port, with SigV4 authentication switched on.
///
/// On start it creates an IAM user with an access key allowed every action, then enables moto's request
/// authentication (`/moto-api/reset-auth`, the runtime form of `INITIAL_NO_AUTH_ACTION_COUNT`): from then on every
/// request must carry a valid signature of that key, so a wrong secret gets moto's real `SignatureDoesNotMatch`.
final class MotoProcess: Sendable {
    let port: Int
    /// `http://127.0.0.1:PORT`.
    let endpoint: String
    /// The access key moto accepts.
    let accessKeyID: String
    let secretAccessKey: String
    private let server: TetheredProcess
    private let python: RequiredTool

    /// Starts moto, creates the IAM user and its key, then turns signature checking on.
    init() async throws {
        let python = try RequiredTool("python3", package: "python3")
        let probe = try await BlockingCall.run { try python.run(["-c", "import moto.server, boto3, flask"]) }
        guard probe.status == 0 else {
            throw RequiredTool.Missing(description: "moto is not installed: run `python3 -m pip install 'moto[server]'` (or `bash .ci/run`, which installs it)")
        }
        let directory = try TemporaryDirectory(prefix: "moto")
        let port = try await FreePort.next()
        self.server = try TetheredProcess(
            "'\(python.path)' -m moto.server -H 127.0.0.1 -p \(port)", cleanup: directory.path, logPath: directory.file("moto.log")
        )
        self.python = python
        self.port = port
        self.endpoint = "http://127.0.0.1:\(port)"
        let server = self.server
        let endpoint = self.endpoint
        _ = try await Deadline.poll("moto to answer (log: \(directory.file("moto.log")))") { () -> Bool? in
            guard server.process.isRunning else { throw RequiredTool.Missing(description: "moto exited: \(server.log)") }
            return try await TestHTTP.get(endpoint + "/moto-api/data.json").status == 200 ? true : nil
        }
        let setupScript = Self.script(endpoint: endpoint, key: ("setup", "setup"), """
            iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
            iam.create_user(UserName="funnel")
            iam.put_user_policy(UserName="funnel", PolicyName="all", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
            key = iam.create_access_key(UserName="funnel")["AccessKey"]
            print(key["AccessKeyId"] + " " + key["SecretAccessKey"])
            """)
        let setup = try await BlockingCall.run { try python.run(["-c", setupScript]) }
        let parts = setup.output.split(whereSeparator: \.isWhitespace)
        guard setup.status == 0, parts.count >= 2 else { throw RequiredTool.Missing(description: "moto IAM setup failed: \(setup.output)") }
        self.accessKeyID = String(parts[parts.count - 2])
        self.secretAccessKey = String(parts[parts.count - 1])
        let enableScript = """
            import urllib.request
            urllib.request.urlopen(urllib.request.Request("\(endpoint)/moto-api/reset-auth", data=b"0", method="POST",
                headers={"Content-Type": "application/octet-stream"})).read()
            """
        let enable = try await BlockingCall.run { try python.run(["-c", enableScript]) }
        guard enable.status == 0 else { throw RequiredTool.Missing(description: "enabling moto authentication failed: \(enable.output)") }
    }

    /// Creates a queue (signed with the valid key) and returns its URL.
    func createQueue(_ name: String) async throws -> String {
        try await self.boto("print(sqs.create_queue(QueueName=\(Self.quoted(name)))[\"QueueUrl\"])")
    }

    /// Sends `count` messages to the queue.
    func send(_ count: Int, to queueURL: String) async throws {
        try await self.boto("""
            for i in range(\(count)):
                sqs.send_message(QueueUrl=\(Self.quoted(queueURL)), MessageBody="dead letter %d" % i)
            """)
    }

    /// Receives up to `count` messages (making them not visible for `visibility` seconds) without deleting them.
    func receive(_ count: Int, from queueURL: String, visibility: Int = 300) async throws {
        try await self.boto("sqs.receive_message(QueueUrl=\(Self.quoted(queueURL)), MaxNumberOfMessages=\(count), VisibilityTimeout=\(visibility))")
    }

    @discardableResult
    private func boto(_ body: String) async throws -> String {
        let script = Self.script(endpoint: self.endpoint, key: (self.accessKeyID, self.secretAccessKey), """
            sqs = boto3.client("sqs", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
            \(body)
            """)
        let python = self.python
        let result = try await BlockingCall.run { try python.run(["-c", script]) }
        guard result.status == 0 else { throw RequiredTool.Missing(description: "boto3 call failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func script(endpoint: String, key: (String, String), _ body: String) -> String {
        "import boto3, json\nENDPOINT = \(quoted(endpoint))\nKEY = \(quoted(key.0))\nSECRET = \(quoted(key.1))\n" + body
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
