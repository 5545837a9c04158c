import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket

/// Configurations, waiting helpers and recorders shared by the transport tests.
enum TransportFixtures {
    static let password = "s3cret-Password-123"
    static let hashedPassword = "another-Secret-456"

    /// A configuration with one loopback listener on a port the system picks.
    static func config(
        path: String = "/ocpp", securityProfile: GatewayConfig.SecurityProfile = .basicAuth,
        allowInsecure: Bool = false, maxFrameSize: Int = GatewayConfig.defaultMaxFrameSize,
        chargePoints: [GatewayConfig.ChargePointCredential]? = nil,
        backends: [GatewayConfig.Backend]? = nil, tls: GatewayConfig.ListenerTLS? = nil
    ) -> GatewayConfig {
        GatewayConfig(
            listeners: [
                GatewayConfig.Listener(
                    address: .init(host: "127.0.0.1", port: 0), path: path,
                    securityProfile: securityProfile, allowInsecure: allowInsecure, tls: tls
                ),
            ],
            policyPath: "/dev/null", store: .sqlite(path: "/dev/null"),
            maxFrameSize: maxFrameSize,
            chargePoints: chargePoints ?? [
                .init(id: "CP-1", credential: .password(Secret(password))),
                .init(id: "CP-2", credential: .password(Secret(password))),
                .init(id: "HASHED-*", credential: .passwordSha256(Secret(hashedPasswordSha256))),
            ],
            backends: backends ?? [
                GatewayConfig.Backend(
                    name: "csms", url: URL(string: "ws://127.0.0.1:1/ocpp")!, ocppVersion: nil,
                    securityProfile: .unsecured
                ),
            ]
        )
    }

    /// `printf %s 'another-Secret-456' | sha256sum`.
    static let hashedPasswordSha256 = "56c2a674da24d9910ed7f64e33dc310e558809d9302e2606cf77e61cd7498e6a"

    /// `Basic base64(user:password)`.
    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    static func basic(user: String, passwordBytes: [UInt8]) -> String {
        "Basic " + Data(Array("\(user):".utf8) + passwordBytes).base64EncodedString()
    }

    static var group: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }
}

/// Thrown when something awaited did not happen in time.
struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 10 ms until it holds; throws ``TimedOut`` after `timeout`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(5), pollInterval: Duration = .milliseconds(10),
    _ condition: @Sendable () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
        try await Task.sleep(for: pollInterval)
    }
}

/// Polls for a value until `extract` returns one.
func waitFor<Value>(
    _ what: String, timeout: Duration = .seconds(5), _ extract: @Sendable () -> Value?
) async throws -> Value {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = extract() { return value }
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A thread-safe list of things that happened.
final class EventLog<Event: Sendable>: Sendable {
    private let events = NIOLockedValueBox<[Event]>([])
    init() {}
    func append(_ event: Event) { events.withLockedValue { $0.append(event) } }
    var all: [Event] { events.withLockedValue { $0 } }
}

/// A charge point delegate that records what it gets and can echo text back.
final class RecordingDelegate: ChargePointConnectionDelegate, Sendable {
    enum Event: Sendable, Equatable {
        case text(String)
        case closed(UInt16?)
        /// A callback ran off the connection's event loop.
        case offLoop
    }

    let handle: ConnectionHandle
    let identity: ChargePointIdentity
    let events = EventLog<Event>()
    let echo: Bool

    init(identity: ChargePointIdentity, handle: ConnectionHandle, echo: Bool) {
        self.identity = identity
        self.handle = handle
        self.echo = echo
    }

    func didReceive(text: String) {
        if !handle.eventLoop.inEventLoop { events.append(.offLoop) }
        events.append(.text(text))
        if echo { handle.send(text: "echo:" + text) }
    }

    func didClose(code: WebSocketErrorCode?) {
        if !handle.eventLoop.inEventLoop { events.append(.offLoop) }
        events.append(.closed(code.map { UInt16(webSocketErrorCode: $0) }))
    }

    /// Whether every callback so far ran on the connection's event loop.
    var callbacksRanOnTheEventLoop: Bool { !events.all.contains(.offLoop) }

    var texts: [String] { events.all.compactMap { if case .text(let text) = $0 { text } else { nil } } }
    var closeCode: UInt16?? { events.all.lazy.compactMap { if case .closed(let code) = $0 { code } else { nil } }.first }
}

/// A running listener for a test, with the delegates it created and its captured log.
final class ListenerHarness: Sendable {
    let listener: ChargePointListener
    let address: SocketAddress
    let delegates: EventLog<RecordingDelegate>
    let logs: LogCapture

    var port: Int { address.port ?? 0 }

    private init(listener: ChargePointListener, address: SocketAddress, delegates: EventLog<RecordingDelegate>, logs: LogCapture) {
        self.listener = listener
        self.address = address
        self.delegates = delegates
        self.logs = logs
    }

    static func start(
        config: GatewayConfig = TransportFixtures.config(),
        options: ChargePointListener.Options = ChargePointListener.Options(closeTimeout: .seconds(1)),
        echo: Bool = true
    ) async throws -> ListenerHarness {
        let logs = LogCapture()
        let delegates = EventLog<RecordingDelegate>()
        let listener = ChargePointListener(
            config: config, options: options, eventLoopGroup: TransportFixtures.group, logger: logs.logger
        ) { identity, handle in
            let delegate = RecordingDelegate(identity: identity, handle: handle, echo: echo)
            delegates.append(delegate)
            return delegate
        }
        let addresses = try await listener.start()
        guard let address = addresses.first else { throw TimedOut(what: "a bound address") }
        return ListenerHarness(listener: listener, address: address, delegates: delegates, logs: logs)
    }

    /// The delegate of the `index`th accepted connection, once it exists.
    func delegate(_ index: Int = 0) async throws -> RecordingDelegate {
        try await waitFor("connection \(index) to be accepted") {
            let all = self.delegates.all
            return all.count > index ? all[index] : nil
        }
    }

    func shutdown() async { await listener.shutdown() }
}
