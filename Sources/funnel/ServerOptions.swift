import ArgumentParser
import FunnelTerminal

/// The options `compare` and `wait` share to reach one server: its URL and a read token, with their environment defaults.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Funnel server URL. [default: $FUNNEL_SERVER or http://127.0.0.1:9470]", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("Read token, sent as Authorization: Bearer. [default: $FUNNEL_READ_TOKEN]", valueName: "token"))
    var token: String?

    /// The server URL: the flag, else `FUNNEL_SERVER`, else the default address.
    func serverURL(environment: [String: String]) -> String {
        self.server ?? FunnelAPIClient.defaultServer(environment: environment)
    }

    /// The read token: the flag, else `FUNNEL_READ_TOKEN`.
    func readToken(environment: [String: String]) -> String? {
        self.token ?? environment["FUNNEL_READ_TOKEN"]
    }
}
