import Hummingbird
import NIOCore

/// The style sheet and the refresh script, served by the binary itself (no CDN).
enum WebUIAssets {
    static let styleSheet = """
        :root { --ink: #1d2330; --muted: #5b6474; --line: #d8dde6; --paper: #ffffff; --band: #f4f6f9;
          --passed: #3b7dd8; --failed: #e0892b; --dead: #8a5cc7; --lost: #d43d3d; --flight: #a9b2c1; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--band); }
        header { display: flex; justify-content: space-between; align-items: baseline; padding: 10px 20px; background: var(--ink); color: #fff; }
        header a.home { color: #fff; font-weight: 700; text-decoration: none; font-size: 18px; }
        header .updated { color: #c9cfda; font-size: 13px; }
        main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 32px; }
        footer { max-width: 1240px; margin: 0 auto; padding: 0 20px 24px; color: var(--muted); font-size: 13px; }
        footer a { color: var(--muted); }
        h1 { font-size: 24px; margin: 4px 0 4px; }
        h2 { font-size: 17px; margin: 0 0 10px; }
        section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 14px 0; }
        .summary { display: flex; flex-wrap: wrap; gap: 10px 28px; margin: 8px 0 0; }
        .summary div { min-width: 120px; }
        .summary dt { color: var(--muted); font-size: 13px; }
        .summary dd { margin: 0; font-size: 22px; font-weight: 600; }
        .bad { color: var(--lost); }
        .muted { color: var(--muted); }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: right; padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        thead th { color: var(--muted); font-weight: 600; font-size: 13px; }
        .scroll { overflow-x: auto; }
        nav.pickers { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0 0; font-size: 14px; }
        nav.pickers a { padding: 2px 8px; border-radius: 4px; text-decoration: none; color: var(--passed); }
        nav.pickers a.current { background: var(--ink); color: #fff; }
        svg { width: 100%; height: auto; display: block; }
        .funnel-picture .stage-name { font-size: 15px; font-weight: 600; fill: var(--ink); }
        .funnel-picture .stage-caption { font-size: 13px; fill: var(--muted); }
        .funnel-picture .worst .stage-caption, .funnel-picture .hop.worst text { fill: var(--lost); font-weight: 700; }
        .funnel-picture .hop text { font-size: 13px; fill: var(--muted); }
        .funnel-picture .hop.losing text { fill: var(--lost); }
        .segment.passed { fill: var(--passed); } .segment.failed { fill: var(--failed); } .segment.dead-lettered { fill: var(--dead); }
        .segment.lost { fill: var(--lost); } .segment.in-flight { fill: var(--flight); } .segment.empty { fill: var(--line); }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--muted); margin: 6px 0 0; }
        .legend span::before { content: ""; display: inline-block; width: 11px; height: 11px; margin-right: 5px; border-radius: 2px; vertical-align: -1px; background: var(--c); }
        .time-chart .axis { stroke: var(--line); }
        .time-chart .tick { font-size: 12px; fill: var(--muted); }
        .time-chart .bar { fill: var(--lost); } .time-chart .bar.unsettled { fill: var(--flight); }
        .time-chart .line { fill: none; stroke: var(--dead); stroke-width: 2; }
        .alarm.firing td:first-child { color: var(--lost); font-weight: 700; }
        form.login { max-width: 420px; }
        form.login input[type=password] { width: 100%; padding: 8px; font-size: 15px; margin: 6px 0 10px; }
        form.login button { padding: 7px 16px; font-size: 15px; }
        .funnel-picture.narrow { display: none; }
        @media (max-width: 640px) {
          .funnel-picture.wide { display: none; }
          .funnel-picture.narrow { display: block; }
          .time-chart .tick { font-size: 30px; }
          main { padding: 10px; }
          section { padding: 10px; }
          .summary dd { font-size: 18px; }
        }

        """

    /// Replaces the page's `main` with a fresh copy every `data-refresh-seconds` while the tab is visible.
    static let refreshScript = """
        (function () {
          var seconds = Number(document.body.getAttribute("data-refresh-seconds"));
          if (!seconds) return;
          var stamp = document.getElementById("updated");
          function tick() {
            if (document.hidden) return;
            fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
              .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
              .then(function (html) {
                var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
                var main = document.getElementById("main");
                if (fresh && main) main.replaceWith(fresh);
                if (stamp) stamp.textContent = "updated " + new Date().toLocaleTimeString();
              })
              .catch(function (error) { if (stamp) stamp.textContent = "refresh failed (" + error.message + ")"; });
          }
          if (stamp) stamp.textContent = "updated " + new Date().toLocaleTimeString();
          setInterval(tick, seconds * 1000);
        })();

        """

    static func response(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "max-age=300"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
