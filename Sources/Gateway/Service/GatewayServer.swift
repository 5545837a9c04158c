import Foundation
import Logging
import NIOCore
import NIOPosix
import Runtime
import ServiceLifecycle
import UnixSignals

/// The gateway as a service: listens for charge points, gives each a link to its backends, and
/// reloads the policy on SIGHUP. Runs until graceful shutdown (SIGTERM, SIGINT).
public final class GatewayServer: Service, Sendable {
    public let context: GatewayContext
    private let listener: ChargePointListener
    private let onListening: @Sendable ([SocketAddress]) -> Void

    /// - Parameter onListening: called with the bound addresses once the gateway listens.
    public init(context: GatewayContext, eventLoopGroup: any EventLoopGroup,
                listenerOptions: ChargePointListener.Options = ChargePointListener.Options(),
                onListening: @escaping @Sendable ([SocketAddress]) -> Void = { _ in }) {
        self.context = context
        self.onListening = onListening
        var listenerOptions = listenerOptions
        listenerOptions.socketBudget = listenerOptions.socketBudget ?? context.sockets
        listenerOptions.onwardConnectionsPerChargePoint = context.config.backends.count
        self.listener = ChargePointListener(
            config: context.config, options: listenerOptions, eventLoopGroup: eventLoopGroup, logger: context.logger,
            tls: context.tls,
            sessionFactory: { identity, handle in ChargePointLink(identity: identity, connection: handle, context: context) })
    }

    /// Starts listening; returns the bound addresses. `run()` calls it; tests may call it directly.
    public func start() async throws -> [SocketAddress] {
        if !context.tls.isLoaded { try context.tls.load() }
        let addresses = try await listener.start()
        let policy = context.policies.current.policy
        let budget = listener.socketBudget
        context.logger.info("gateway started", metadata: [
            "policy": "\(policy.name)", "policyHash": "\(policy.sourceHash)",
            "backends": "\(policy.backends.joined(separator: ","))",
            "openFileLimit": "\(budget.limit)",
            "chargePointCapacity": "\(budget.capacity(onward: context.config.backends.count))",
        ])
        onListening(addresses)
        return addresses
    }

    /// Stops listening and closes every charge point connection.
    public func shutdown() async {
        await listener.shutdown()
        let counts = listener.socketBudget.counts
        context.logger.info("gateway stopped", metadata: [
            "refusedAtLimit": "\(counts.refusedChargePoints)", "acceptFailures": "\(counts.acceptFailures)",
            "backendConnectFailures": "\(counts.backendConnectFailures)",
        ])
    }

    /// The open-file budget and what it has counted: charge points refused at the limit, accept
    /// and backend connect failures for want of descriptors.
    public var sockets: SocketBudget { listener.socketBudget }

    /// Re-reads the policy: a valid one replaces the old between messages, an invalid one is
    /// refused with its diagnostics and the old one keeps running. Then re-reads the certificates
    /// and keys: new TLS contexts serve new connections; if a file is bad (unreadable, expired),
    /// the error is logged and the old contexts stay.
    public func reload() {
        reloadTLS()
        reloadPolicy()
    }

    /// Rebuilds the TLS contexts from the certificate and key files.
    public func reloadTLS() {
        guard context.tls.usesTLS else { return }
        do {
            try context.tls.load()
            context.logger.notice("certificates reloaded")
        } catch {
            context.logger.error("certificate reload refused; the running certificates stay: \(error)")
        }
    }

    private func reloadPolicy() {
        do {
            let loaded = try context.policies.reload()
            context.logger.notice("policy reloaded", metadata: [
                "policyHash": "\(loaded.policy.sourceHash)", "generation": "\(loaded.generation)",
            ])
        } catch {
            context.logger.error("policy reload refused; the running policy stays:\n\(error.rendered)")
        }
    }

    /// Drops queue entries past their backend's age limit, and logs what it dropped.
    public func expireQueues(now: Date = Date()) async {
        guard let store = context.store else { return }
        do {
            for drop in try await store.expire(now: now) {
                context.logger.warning("queue limit dropped messages", metadata: [
                    "chargePointId": "\(drop.queue.chargePoint)", "backend": "\(drop.queue.backend)",
                    "reason": "\(drop.reason.rawValue)", "count": "\(drop.entries.count)",
                    "messages": "\(drop.entries.map { "\($0.action) \($0.messageId)" }.joined(separator: ", "))",
                ])
            }
        } catch {
            context.logger.error("cannot expire queued messages", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        _ = try await start()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { self.reload() }
                }
                group.addTask {
                    // Queue age limits also apply to queues nobody appends to.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(60))
                        if !Task.isCancelled { await self.expireQueues() }
                        // The end of a burst of refusals at the open-file limit is logged too.
                        self.listener.socketBudget.flushReport(self.context.logger)
                    }
                }
                // Wait for graceful shutdown, then stop the signal loop.
                try? await gracefulShutdown()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.context.logger.info("graceful shutdown")
        }
        await shutdown()
    }
}
