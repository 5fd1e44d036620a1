import Foundation
import FunnelServer
import Testing

/// The aws-sig-v4-test-suite vectors: credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service".
@Suite struct SigV4SignerTests {
    let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service"
    )
    /// 20150830T123600Z.
    let date = Date(timeIntervalSince1970: 1_440_938_160)

    @Test func signsGetVanilla() {
        let signature = self.signer.sign(method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")], date: self.date)
        #expect(signature.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signature.headers.first?.value == """
            AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, \
            Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
            """)
        #expect(signature.headers.map(\.name) == ["Authorization", "X-Amz-Date"])
    }

    @Test func signsGetVanillaQueryOrderKeyCase() {
        let signature = self.signer.sign(
            method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")], headers: [("Host", "example.amazonaws.com")],
            date: self.date
        )
        #expect(signature.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test func aDifferentSecretGivesADifferentSignature() {
        let other = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wrong"), region: "us-east-1", service: "service")
        let signature = other.sign(method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")], date: self.date)
        #expect(signature.signature != "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func signsTheSessionTokenWhenThereIsOne() {
        let temporary = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token"), region: "eu-west-1", service: "sqs"
        )
        let signature = temporary.sign(method: "POST", path: "/", headers: [("Host", "sqs.eu-west-1.amazonaws.com")], body: Array("{}".utf8), date: self.date)
        #expect(signature.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == "token" })
        #expect(signature.canonicalRequest.contains("host;x-amz-date;x-amz-security-token"))
        #expect(signature.stringToSign.contains("20150830/eu-west-1/sqs/aws4_request"))
    }

    @Test func formatsTheDateInUTC() {
        #expect(SigV4Signer.amzDate(self.date) == "20150830T123600Z")
    }
}
