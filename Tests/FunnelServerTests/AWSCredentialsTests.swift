import Foundation
import FunnelServer
import FunnelTesting
import Testing

@Suite struct AWSCredentialsTests {
    let file = """
        # comment
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = secret/default

        [profile ci]
        aws_access_key_id=AKIDCI
        aws_secret_access_key=secretci
        aws_session_token = token-ci
        [broken]
        aws_access_key_id = AKIDBROKEN
        """

    @Test func readsProfilesFromTheSharedFile() throws {
        let parsed = try AWSSharedCredentialsFile(text: self.file, path: "credentials")
        #expect(try parsed.credentials(profile: "default", path: "credentials") == AWSCredentials(accessKeyID: "AKIDDEFAULT", secretAccessKey: "secret/default"))
        #expect(try parsed.credentials(profile: "ci", path: "credentials").sessionToken == "token-ci")
    }

    @Test func saysWhatIsMissing() throws {
        let parsed = try AWSSharedCredentialsFile(text: self.file, path: "/x/credentials")
        #expect(throws: DLQSourceError("profile broken in /x/credentials has no aws_secret_access_key")) {
            _ = try parsed.credentials(profile: "broken", path: "/x/credentials")
        }
        #expect(throws: DLQSourceError("profile prod is not in /x/credentials (it has broken, ci, default)")) {
            _ = try parsed.credentials(profile: "prod", path: "/x/credentials")
        }
        #expect(throws: DLQSourceError("f:2: key outside a [profile] section")) {
            _ = try AWSSharedCredentialsFile(text: "\nkey = value", path: "f")
        }
    }

    @Test func prefersTheEnvironmentUnlessAProfileIsConfigured() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(self.file, to: "credentials")
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SHARED_CREDENTIALS_FILE": path]
        #expect(try AWSCredentialChain(environment: environment).resolve().accessKeyID == "AKIDENV")
        #expect(try AWSCredentialChain(profile: "ci", environment: environment).resolve().accessKeyID == "AKIDCI")
        #expect(try AWSCredentialChain(environment: ["AWS_SHARED_CREDENTIALS_FILE": path]).resolve().accessKeyID == "AKIDDEFAULT")
        #expect(try AWSCredentialChain(environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "ci"]).resolve().accessKeyID == "AKIDCI")
        #expect(AWSCredentialChain(environment: ["HOME": directory.path + "/nowhere"]).credentialsFilePath == directory.path + "/nowhere/.aws/credentials")
    }

    @Test func failsWithAMessageWhenThereAreNoCredentials() {
        #expect(throws: DLQSourceError("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile default to /nonexistent/.aws/credentials (cannot read it)")) {
            _ = try AWSCredentialChain(environment: ["HOME": "/nonexistent"]).resolve()
        }
    }

    @Test func neverPrintsTheSecret() {
        let credentials = AWSCredentials(accessKeyID: "AKIDX", secretAccessKey: "topsecret", sessionToken: "tokensecret")
        for text in ["\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains("topsecret"))
            #expect(!text.contains("tokensecret"))
            #expect(text.contains("AKIDX"))
        }
    }
}
