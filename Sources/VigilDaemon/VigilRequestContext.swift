import Hummingbird
import NIOCore

/// What every Vigil route sees of a request: Hummingbird's core context
/// (its logger carries the request id) and the peer's address, which
/// decides who may read `/metrics` without a token.
public struct VigilRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The officer signed in to a console session (the post's adjudications name them).
    var officer: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Whether the peer is on this machine.
    var fromLoopback: Bool {
        switch remoteAddress {
        case .v4(let address)?: return address.host.hasPrefix("127.")
        case .v6(let address)?: return address.host == "::1" || address.host.hasPrefix("::ffff:127.")
        case .unixDomainSocket?: return true
        case nil: return false
        }
    }
}
