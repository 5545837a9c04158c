import Foundation
import Gateway
import OCPP
import PolicyLang
import Runtime
import Testing

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double

    init(_ start: Double) { value = start }

    var now: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// What one input produced, read by peer.
struct Effects {
    let all: [SessionEffect]
    let backends: [String]

    /// Frames sent to the charge point, parsed back.
    var toChargePoint: [OCPPFrame] {
        all.compactMap { if case .sendToChargePoint(let text) = $0 { Self.parse(text) } else { nil } }
    }

    /// Frames sent to backend `name`, parsed back.
    func to(_ name: String) -> [OCPPFrame] {
        let index = backends.firstIndex(of: name) ?? -1
        return all.compactMap { if case .sendToBackend(index, let text) = $0 { Self.parse(text) } else { nil } }
    }

    /// Backend names that got anything.
    var backendsReached: Set<String> {
        Set(all.compactMap { if case .sendToBackend(let index, _) = $0 { backends[index] } else { nil } })
    }

    var records: [DecisionRecord] { all.compactMap { if case .decision(let record) = $0 { record } else { nil } } }
    var consumed: [(backend: String, text: String)] {
        all.compactMap { if case .consumed(let index, let text) = $0 { (backends[index], text) } else { nil } }
    }
    /// Calls a disconnected backend did not get: backend name, action and payload.
    var notDelivered: [(backend: String, action: String, payload: JSONValue)] {
        all.compactMap {
            if case .notDelivered(let index, let action, let payload, _) = $0 { (backends[index], action, payload) } else { nil }
        }
    }
    var ignored: [String] { all.compactMap { if case .ignored(_, _, let reason) = $0 { reason } else { nil } } }

    /// A frame that failed to parse shows up as a CALLERROR with id `UNPARSEABLE`, so tests fail visibly.
    static func parse(_ text: String) -> OCPPFrame {
        (try? OCPPFrame(parsing: text)) ?? .callError(id: "UNPARSEABLE", code: text, description: "", details: [:])
    }
}

/// A session on an inline policy, driven by frames and backend names.
struct SessionHarness {
    static let start: Double = 1_800_000_000
    let policy: CompiledPolicy
    let session: ChargePointSession
    let clock: TestClock
    let redactor = Redactor(hashKey: Array("session-test-key-0123".utf8))

    /// Compiles `text` (list files from `lists`) and connects every backend unless told otherwise.
    init(_ text: String, lists: [String: String] = [:], chargePoint: String = "CP-1", connected: [String]? = nil,
         callTimeout: Double = 30, maximumQueuedBackendCalls: Int = 64, configure: (inout SessionSettings) -> Void = { _ in },
         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = PolicyPipeline.compile(source: SourceFile(path: "test.policy", text: text)) { path in
            guard let text = lists[(path as NSString).lastPathComponent] else { throw CocoaError(.fileNoSuchFile) }
            return text
        }
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(DiagnosticRenderer.headline))", sourceLocation: sourceLocation)
        policy = try #require(result.compiled, sourceLocation: sourceLocation)
        let clock = TestClock(Self.start)
        self.clock = clock
        var settings = SessionSettings(heartbeatInterval: 120, callTimeout: callTimeout,
                                       maximumQueuedBackendCalls: maximumQueuedBackendCalls, clock: { clock.now })
        configure(&settings)
        session = ChargePointSession(chargePointId: chargePoint, policy: ChargePointPolicy(policy: policy, chargePoint: chargePoint),
                                     redactor: redactor, settings: settings)
        for name in connected ?? policy.backends { connect(name) }
    }

    func index(_ name: String) -> Int { policy.backendIndex(name) ?? -1 }

    func run(_ input: SessionInput) -> Effects { Effects(all: session.handle(input), backends: policy.backends) }

    /// The charge point sends `frame`.
    @discardableResult
    func cp(_ frame: OCPPFrame) -> Effects { run(.chargePointText(frame.serialized)) }

    /// The charge point sends raw text.
    @discardableResult
    func cp(text: String) -> Effects { run(.chargePointText(text)) }

    /// Backend `name` sends `frame`.
    @discardableResult
    func backend(_ name: String, _ frame: OCPPFrame) -> Effects { run(.backendText(backend: index(name), frame.serialized)) }

    /// Backend `name` sends raw text.
    @discardableResult
    func backend(_ name: String, text: String) -> Effects { run(.backendText(backend: index(name), text)) }

    @discardableResult
    func connect(_ name: String) -> Effects { run(.backendConnected(index(name))) }

    @discardableResult
    func disconnect(_ name: String) -> Effects { run(.backendDisconnected(index(name))) }

    /// Moves the clock by `seconds` and ticks.
    @discardableResult
    func advance(_ seconds: Double) -> Effects {
        clock.now += seconds
        return run(.tick(now: clock.now))
    }

    /// The file:line of the rule at `line`.
    func location(line: Int) -> String { "test.policy:\(line)" }
}

/// Common payloads.
enum Payloads {
    static func start(_ idTag: String, connector: Int = 1) -> JSONValue {
        ["connectorId": .integer(connector), "idTag": .string(idTag), "meterStart": 0, "timestamp": "2027-01-15T08:00:00Z"]
    }
    static func stop(_ transactionId: Int, idTag: String? = nil) -> JSONValue {
        var object = JSONObject([("transactionId", .integer(transactionId)), ("meterStop", 1200),
                                 ("timestamp", "2027-01-15T09:00:00Z")])
        if let idTag { object["idTag"] = .string(idTag) }
        return .object(object)
    }
    static func meter(_ transactionId: Int, connector: Int = 1) -> JSONValue {
        ["connectorId": .integer(connector), "transactionId": .integer(transactionId),
         "meterValue": [["timestamp": "2027-01-15T08:30:00Z", "sampledValue": [["value": "600"]]]]]
    }
    static func status(_ connector: Int, _ status: String = "Charging") -> JSONValue {
        ["connectorId": .integer(connector), "errorCode": "NoError", "status": .string(status)]
    }
    static let boot: JSONValue = ["chargePointVendor": "Vendor", "chargePointModel": "Model", "chargeBoxSerialNumber": "SN-1"]
    static func accepted(_ transactionId: Int) -> JSONValue {
        ["idTagInfo": ["status": "Accepted"], "transactionId": .integer(transactionId)]
    }
    static func bootAnswer(_ status: String, interval: Int = 300) -> JSONValue {
        ["status": .string(status), "currentTime": "2027-01-15T08:00:00Z", "interval": .integer(interval)]
    }
}
