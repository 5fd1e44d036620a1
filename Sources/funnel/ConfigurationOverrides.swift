import ArgumentParser
import Foundation
import FunnelServer

/// How `funnel serve` makes its configuration: the file, then the command-line flags over it, then the tokens
/// from the environment; made again the same way on every reload.
struct ConfigurationOverrides: Sendable {
    let file: String?
    let listen: (host: String, port: Int)?
    let dataDirectory: String?
    let statsd: ListenAddress??
    let statsdTCP: ListenAddress??
    let ingestTokens: [String]
    let readTokens: [String]

    /// Checks the flags once; a wrong one is a usage error naming the flag.
    init(file: String?, listen: String?, dataDirectory: String?, statsd: String?, statsdTCP: String?, environment: [String: String]) throws {
        self.file = file
        if let listen {
            guard let address = FunnelConfiguration.parseListenAddress(listen) else {
                throw ValidationError("--listen: expected HOST:PORT such as 127.0.0.1:9470, got \(String(reflecting: listen))")
            }
            self.listen = address
        } else {
            self.listen = nil
        }
        self.dataDirectory = dataDirectory
        self.statsd = try statsd.map { text in
            switch ListenAddress.parseOptional(text) {
            case .success(let address): return address
            case .failure(let error): throw ValidationError("--statsd: \(error)")
            }
        }
        self.statsdTCP = try statsdTCP.map { text in
            switch ListenAddress.parseOptional(text) {
            case .success(let address): return address
            case .failure(let error): throw ValidationError("--statsd-tcp: \(error)")
            }
        }
        self.ingestTokens = Self.tokens(environment["FUNNEL_INGEST_TOKENS"])
        self.readTokens = Self.tokens(environment["FUNNEL_READ_TOKENS"])
    }

    /// Reads the file (when there is one) and applies the flags and environment tokens to it.
    func load() throws(ConfigurationError) -> FunnelConfiguration {
        var configuration = FunnelConfiguration()
        if let file { configuration = try FunnelConfiguration(contentsOfFile: file) }
        if let listen { (configuration.listenHost, configuration.listenPort) = listen }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let statsd { configuration.statsd.udpListen = statsd }
        if let statsdTCP { configuration.statsd.tcpListen = statsdTCP }
        configuration.ingestTokens += self.ingestTokens
        configuration.readTokens += self.readTokens
        return configuration
    }

    /// Tokens from a comma-separated environment variable.
    static func tokens(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
