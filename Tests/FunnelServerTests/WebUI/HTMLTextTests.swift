@testable import FunnelServer
import Testing

@Suite struct HTMLTextTests {
    @Test func markupAndQuotesAreEscaped() {
        #expect(HTMLText.escape(#"<a href="x">Tom & 'Jerry'</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("plain ünïcode") == "plain ünïcode")
    }

    @Test func linkComponentsArePercentEncoded() {
        #expect(HTMLText.urlComponent("orders-v2_a.b~") == "orders-v2_a.b~")
        #expect(HTMLText.urlComponent("a b/c?d&e\"<") == "a%20b%2Fc%3Fd%26e%22%3C")
        #expect(HTMLText.urlComponent("é") == "%C3%A9")
    }

    @Test func countsAndRatiosReadAsOnCallReadsThem() {
        #expect(FigureText.count(0) == "0")
        #expect(FigureText.count(1_234_567) == "1,234,567")
        #expect(FigureText.count(UInt64.max) == "18,446,744,073,709,551,615")
        #expect(FigureText.percent(0.9263) == "92.63%")
        #expect(FigureText.percent(nil) == "–")
        #expect(FigureText.percent(.nan) == "–")
        #expect(FigureText.milliseconds(3) == "3.0 ms")
        #expect(FigureText.milliseconds(180) == "180 ms")
        #expect(FigureText.milliseconds(1400) == "1.4 s")
    }

    @Test func aLoginReturnsOnlyToAPathOfThisServer() {
        #expect(WebUISession.localPath("/ui/pipelines/orders?range=6h") == "/ui/pipelines/orders?range=6h")
        for away in [nil, "", "//evil.example", "/\\evil.example", "https://evil.example", "/x\r\nSet-Cookie: a=b"] {
            #expect(WebUISession.localPath(away) == "/", "\(String(describing: away))")
        }
        #expect(WebUISession.token(cookieHeader: "a=b; funnel_token=s3cret%2F%2B%3D; c=d") == "s3cret/+=")
        #expect(WebUISession.token(cookieHeader: "a=b") == nil)
        #expect(WebUISession.formFields("token=a+b%26c&next=%2F") == ["token": "a b&c", "next": "/"])
    }
}
