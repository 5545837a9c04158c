import NIOCore

/// An input the link handles in order (held while a store write is in flight).
enum LinkInput {
    case chargePoint(String)
    case backend(Int, BackendConnector.Event)
}

/// A weak reference for timers, which must not keep a closed link alive.
final class WeakLink {
    weak var link: ChargePointLink?

    init(_ link: ChargePointLink) { self.link = link }
}

/// Forwards a connector's events to its link without keeping the link alive: the link owns the
/// connectors, so a strong reference back would be a cycle.
/// Sendable because the link is only reached through `NIOLoopBound`, on the link's event loop.
final class WeakBackendDelegate: BackendConnectorDelegate, Sendable {
    let link: NIOLoopBound<WeakLink>
    let backend: Int

    init(link: NIOLoopBound<WeakLink>, backend: Int) {
        self.link = link
        self.backend = backend
    }

    func connector(_ connector: BackendConnector, didEmit event: BackendConnector.Event) {
        link.value.link?.backend(backend, didEmit: event)
    }
}
