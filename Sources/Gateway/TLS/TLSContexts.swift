import Logging
import NIOConcurrencyHelpers
import NIOSSL

/// The TLS contexts in force: one server context per TLS listener, one client context per `wss://`
/// backend (and per charge point for backends with a `certificateDir`).
///
/// ``load()`` builds them all from the configuration and throws (naming the file, with dates for
/// an expired certificate) if any cannot be built; on a reload a failure leaves the old contexts in
/// place. New connections take the contexts current when they start; open ones keep theirs.
public final class TLSContexts: Sendable {
    private struct Contexts {
        var loaded = false
        var listeners: [Int: NIOSSLContext] = [:]
        var backends: [String: NIOSSLContext] = [:]
        /// Per charge point contexts of backends with a `certificateDir`, built on first use.
        var perChargePoint: [String: NIOSSLContext] = [:]
    }

    let config: GatewayConfig
    let logger: Logger
    private let contexts = NIOLockedValueBox(Contexts())

    /// Contexts for `config`; nothing is read until ``load()``.
    public init(config: GatewayConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Builds every context; on success they replace the current ones, on failure the current
    /// ones stay and the error is thrown. Logs a warning for each backend with `insecureSkipVerify`.
    public func load() throws {
        var fresh = Contexts(loaded: true)
        for (index, listener) in config.listeners.enumerated() where listener.securityProfile.usesTLS {
            guard let tls = listener.tls else {
                throw TransportError.unsupportedSecurityProfile(listener.securityProfile)
            }
            fresh.listeners[index] = try NIOSSLContext(
                configuration: .chargePointListener(tls, profile: listener.securityProfile))
        }
        for backend in config.backends where backend.securityProfile.usesTLS {
            if backend.tls?.insecureSkipVerify == true {
                logger.warning("backend certificate is NOT verified (insecureSkipVerify: true)", metadata: [
                    "backend": "\(backend.name)",
                ])
            }
            // A backend with only a certificateDir gets its client contexts per charge point.
            if backend.securityProfile == .mutualTLS, backend.tls?.certificate == nil {
                if let ca = backend.tls?.ca { _ = try CertificateLoader.certificates(file: ca) }
                continue
            }
            fresh.backends[backend.name] = try NIOSSLContext(configuration: .backendClient(backend, chargePointId: nil))
        }
        contexts.withLockedValue { $0 = fresh }
    }

    /// Whether any listener or backend uses TLS.
    public var usesTLS: Bool {
        config.listeners.contains { $0.securityProfile.usesTLS } || config.backends.contains { $0.securityProfile.usesTLS }
    }

    /// Whether ``load()`` has succeeded at least once.
    public var isLoaded: Bool { contexts.withLockedValue(\.loaded) }

    /// The server context of `config.listeners[index]`, if it uses TLS and ``load()`` succeeded.
    public func listenerContext(at index: Int) -> NIOSSLContext? {
        contexts.withLockedValue { $0.listeners[index] }
    }

    /// The client context for `backend` when connecting as `chargePointId`. Built and cached on
    /// first use for per-charge-point certificates.
    public func backendContext(for backend: GatewayConfig.Backend, chargePointId: String) throws -> NIOSSLContext {
        let key = backend.name + "\u{0}" + chargePointId
        if let context = contexts.withLockedValue({ $0.perChargePoint[key] }) { return context }
        if backend.tls?.certificateDir == nil, let context = contexts.withLockedValue({ $0.backends[backend.name] }) {
            return context
        }
        let context = try NIOSSLContext(configuration: .backendClient(backend, chargePointId: chargePointId))
        if backend.tls?.certificateDir != nil {
            contexts.withLockedValue { $0.perChargePoint[key] = context }
        }
        return context
    }
}
