public import Hummingbird
public import NIOCore

/// The request context of Funnel's router: the basic one, with the client's address for the request log and the
/// loopback check of `/-/reload`.
public struct FunnelRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection's peer, when the channel knows it.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
