import ArgumentParser
import FunnelTerminal

/// The options the client commands share to reach a server: its URL (or the shards' URLs) and a read token, with their environment defaults.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Funnel server URL; repeat it for the shards of a deployment (the union of their pipelines). [default: $FUNNEL_SERVER or http://127.0.0.1:9470]",
            valueName: "url"
        )
    )
    var server: [String] = []

    @Option(help: ArgumentHelp("Read token, sent as Authorization: Bearer. [default: $FUNNEL_READ_TOKEN]", valueName: "token"))
    var token: String?

    /// The server URLs: the flags, else `FUNNEL_SERVER`, else the default address.
    func serverURLs(environment: [String: String]) -> [String] {
        self.server.isEmpty ? [FunnelAPIClient.defaultServer(environment: environment)] : self.server
    }

    /// The one server URL of a command that reads a single server; refuses `--server` given more than once.
    func singleServerURL(environment: [String: String], command: String) throws -> String {
        guard self.server.count <= 1 else {
            throw ValidationError("funnel \(command) reads one server, got --server \(self.server.count) times")
        }
        return self.serverURLs(environment: environment)[0]
    }

    /// The read token: the flag, else `FUNNEL_READ_TOKEN`.
    func readToken(environment: [String: String]) -> String? {
        self.token ?? environment["FUNNEL_READ_TOKEN"]
    }
}
