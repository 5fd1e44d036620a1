/// The form that asks for a read token when tokens are configured, and keeps it in a cookie.
struct LoginPage {
    /// Where to go once signed in.
    var next: String
    /// Why the form is shown again, if it is.
    var problem: String?

    func html() -> String {
        let problem = self.problem.map { #"<p class="bad" role="alert">\#(HTMLText.escape($0))</p>"# } ?? ""
        return WebUIPage.document(
            title: "Sign in",
            main: """
                <h1>Sign in</h1>
                <section><form class="login" method="post" action="/ui/login">
                <p>This Funnel asks for a read token (<code>read_tokens</code>), as for <code>/api</code> and <code>/metrics</code>.
                The page keeps it in a cookie for this server only.</p>
                \(problem)
                <label for="token">Read token</label>
                <input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
                <input type="hidden" name="next" value="\(HTMLText.escape(self.next))">
                <button type="submit">Sign in</button>
                </form></section>
                """,
            refreshSeconds: nil
        )
    }
}
