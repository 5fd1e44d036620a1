import ArgumentParser
import FunnelTerminal

/// The options `top` and `status` share to reach a server or every shard of a deployment, and a read token.
struct ShardServerOptions: ParsableArguments {
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

    /// The read token: the flag, else `FUNNEL_READ_TOKEN`.
    func readToken(environment: [String: String]) -> String? {
        self.token ?? environment["FUNNEL_READ_TOKEN"]
    }
}
