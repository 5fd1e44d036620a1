import Hummingbird
import NIOCore

/// The frame every page shares: head, header with the way back to the pipeline list, the page's `main`, and the
/// refresh script (the page reads the same without it).
enum WebUIPage {
    /// A whole HTML document.
    static func document(title: String, main: String, refreshSeconds: Int? = 5) -> String {
        let refresh = refreshSeconds.map { #" data-refresh-seconds="\#($0)""# } ?? ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title)) · Funnel</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/ui/assets/funnel.css">
            <script src="/ui/assets/refresh.js" defer></script>
            </head>
            <body\(refresh)>
            <header><a class="home" href="/">Funnel</a><span class="updated" id="updated"></span></header>
            <main id="main">
            \(main)
            </main>
            <footer><a href="/api/v1/pipelines">JSON API</a> · <a href="/metrics">/metrics</a></footer>
            </body>
            </html>

            """
    }

    /// `html` as a response, never cached.
    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }
}
