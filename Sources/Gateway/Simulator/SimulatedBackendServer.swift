import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
import OCPP

/// A simulated OCPP backend on a loopback port: accepts any charge point at `/ocpp/{id}`,
/// answers its calls through a `SimulatedCentralSystem`, and can send it calls of its own.
///
/// `chargemux simulate backend` and `chargemux demo` run these; the gateway's end-to-end tests
/// use them as the backends.
public final class SimulatedBackendServer: Sendable {
    public let system: SimulatedCentralSystem
    private let listener: ChargePointListener
    private let connections = NIOLockedValueBox<[String: ConnectionHandle]>([:])
    private let pending = PendingCalls()
    private let onEvent: @Sendable (SimulatorEvent) -> Void

    /// - Parameters:
    ///   - host, port: where to listen; port 0 lets the system choose (see `start()`).
    ///   - password: when set, charge points must authenticate with it (profile 1, or 2 with
    ///     `tls`); else any charge point is accepted (profile 0).
    ///   - tls: listen with TLS: with a `clientCA`, security profile 3 (client certificates whose
    ///     CN is the charge point id, no password); without, profile 2 (needs `password`).
    public init(system: SimulatedCentralSystem, host: String = "127.0.0.1", port: Int = 0, password: String? = nil,
                tls: GatewayConfig.ListenerTLS? = nil,
                eventLoopGroup: any EventLoopGroup, logger: Logger,
                onEvent: @escaping @Sendable (SimulatorEvent) -> Void = { _ in }) {
        self.system = system
        self.onEvent = onEvent
        let listenerConfig = GatewayConfig(
            listeners: [GatewayConfig.Listener(
                address: GatewayConfig.Listener.Address(host: host, port: port), path: "/ocpp",
                securityProfile: tls.map { $0.clientCA == nil ? .tlsBasicAuth : .mutualTLS }
                    ?? (password == nil ? .unsecured : .basicAuth),
                allowInsecure: true, tls: tls)],
            policyPath: "", store: .sqlite(path: ""),
            chargePoints: [GatewayConfig.ChargePointCredential(id: "*", credential: .password(Secret(password ?? "unused")))],
            backends: [])
        let connections = self.connections
        let pending = self.pending
        let name = system.name
        self.listener = ChargePointListener(
            config: listenerConfig, eventLoopGroup: eventLoopGroup, logger: logger,
            sessionFactory: { identity, handle in
                connections.withLockedValue { $0[identity.id] = handle }
                onEvent(.connected(simulator: name, peer: identity.id))
                return BackendSideConnection(chargePointId: identity.id, handle: handle, system: system, pending: pending,
                                             connections: connections, onEvent: onEvent)
            })
    }

    /// Starts listening; returns the bound port.
    public func start() async throws -> Int {
        let addresses = try await listener.start()
        return addresses.first?.port ?? 0
    }

    public func shutdown() async {
        pending.failAll(.notConnected(system.name))
        await listener.shutdown()
    }

    /// The subprotocol negotiated with `chargePoint`'s connection, if it is connected.
    public func subprotocol(of chargePoint: String) -> String? {
        connections.withLockedValue { $0[chargePoint]?.subprotocol }
    }

    /// The charge points connected now.
    public var connectedChargePoints: [String] { connections.withLockedValue { Array($0.keys).sorted() } }

    /// How many charge points are connected now (cheaper than ``connectedChargePoints`` for
    /// thousands).
    public var connectedCount: Int { connections.withLockedValue { $0.count } }

    /// Sends `action` to `chargePoint` and waits for its answer (a CALLRESULT or CALLERROR).
    ///
    /// - Parameter messageId: the call's id; by default the central system's next (`name-n`).
    public func call(_ action: String, payload: JSONValue, to chargePoint: String, messageId: String? = nil,
                     timeout: Double = 10) async throws -> OCPPFrame {
        guard let handle = connections.withLockedValue({ $0[chargePoint] }) else { throw SimulatorError.notConnected(chargePoint) }
        let frame = system.makeCall(action, payload: payload, messageId: messageId)
        let answer = pending.register(id: frame.messageId, action: action, on: handle.eventLoop, timeout: timeout)
        onEvent(.sent(simulator: system.name, peer: chargePoint, frame: frame))
        handle.send(text: frame.serialized)
        return try await answer.get()
    }

    /// Sends raw text to `chargePoint`, for tests of bad input; false when it is not connected.
    @discardableResult
    public func send(raw text: String, to chargePoint: String) -> Bool {
        guard let handle = connections.withLockedValue({ $0[chargePoint] }) else { return false }
        handle.send(text: text)
        return true
    }

    /// Sends one binary WebSocket message to `chargePoint` (OCPP-J allows only text), for tests
    /// of bad input; false when it is not connected.
    @discardableResult
    public func send(binary bytes: [UInt8], to chargePoint: String) -> Bool {
        guard let handle = connections.withLockedValue({ $0[chargePoint] }) else { return false }
        let channel = handle.channel
        channel.eventLoop.execute {
            let frame = WebSocketFrame(fin: true, opcode: .binary, data: channel.allocator.buffer(bytes: bytes))
            channel.writeAndFlush(frame, promise: nil)
        }
        return true
    }
}

/// One charge point's connection to a simulated backend.
private final class BackendSideConnection: ChargePointConnectionDelegate {
    let chargePointId: String
    let handle: ConnectionHandle
    let system: SimulatedCentralSystem
    let pending: PendingCalls
    let connections: NIOLockedValueBox<[String: ConnectionHandle]>
    let onEvent: @Sendable (SimulatorEvent) -> Void

    init(chargePointId: String, handle: ConnectionHandle, system: SimulatedCentralSystem, pending: PendingCalls,
         connections: NIOLockedValueBox<[String: ConnectionHandle]>, onEvent: @escaping @Sendable (SimulatorEvent) -> Void) {
        self.chargePointId = chargePointId
        self.handle = handle
        self.system = system
        self.pending = pending
        self.connections = connections
        self.onEvent = onEvent
    }

    func didReceive(text: String) {
        guard let frame = try? OCPPFrame(parsing: text) else {
            handle.send(text: OCPPFrame.callError(id: "-1", code: "FormationViolation", description: "not an ocpp-j frame",
                                                  details: .object(JSONObject())).serialized)
            return
        }
        onEvent(.received(simulator: system.name, peer: chargePointId, frame: frame))
        if let answer = system.handle(frame, from: chargePointId) {
            onEvent(.sent(simulator: system.name, peer: chargePointId, frame: answer))
            handle.send(text: answer.serialized)
        } else {
            pending.complete(with: frame)
        }
    }

    func didClose(code: WebSocketErrorCode?) {
        let handle = self.handle
        connections.withLockedValue { connections in
            if connections[chargePointId] === handle { connections[chargePointId] = nil }
        }
        onEvent(.disconnected(simulator: system.name, peer: chargePointId))
    }
}
