import Foundation
import FunnelCore
import FunnelTerminal
import Testing

/// The funnel `funnel top` draws survives the server's JSON encoding and the client's decoding unchanged.
@Suite struct FunnelRoundTripTests {
    @Test func funnelSurvivesTheServersEncodingAndTheClientsDecoding() throws {
        let data = try APIModelCoding.encoder().encode(TopFixtures.ordersFunnel)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""end_to_end_latency_ms":"#))
        #expect(text.contains(#""dead_lettered":373"#))
        #expect(try APIModelCoding.decoder().decode(PipelineFunnel.self, from: data) == TopFixtures.ordersFunnel)
    }

}

/// The API's JSON conventions, as the server encodes and the clients decode.
enum APIModelCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
