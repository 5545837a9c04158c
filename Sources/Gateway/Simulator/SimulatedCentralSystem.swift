import Foundation
import OCPP

/// A small OCPP central system that answers every call correctly and records what it got.
///
/// It is the built-in backend of `chargemux simulate backend` and `chargemux demo`, and what the
/// gateway's end-to-end tests talk to. It assigns its own transaction ids from `transactionIdBase`
/// upwards, so each backend's ids are recognisably its own.
public final class SimulatedCentralSystem: @unchecked Sendable {
    // @unchecked: every member is guarded by `lock`.
    private let lock = NSLock()

    /// One message the central system received.
    public struct Received: Sendable, Equatable {
        public var chargePoint: String
        public var frame: OCPPFrame
    }

    public let name: String
    public let version: OCPPVersion
    private let catalog: OCPPCatalog
    private var nextTransactionId: Int
    private var nextMessageId = 1
    private var log: [Received] = []
    /// idTags to answer `Invalid` for.
    public let rejectedIdTags: Set<String>
    /// The status BootNotification is answered with (`Accepted`, `Pending`, `Rejected`).
    public let bootStatus: String
    public let heartbeatInterval: Int
    /// A silent central system records every call but never answers (tests of timeouts and of
    /// backends that accept the connection and then hang).
    public let silent: Bool
    /// Whether `received` keeps every frame. `chargemux loadtest` turns it off and watches calls
    /// through `onCall` instead, so that a long run does not keep every message in memory.
    public let recordsFrames: Bool
    /// Called with each CALL from a charge point, its payload and the payload of the answer
    /// (`nil` when silent or answered with a CALLERROR); on the connection's event loop, outside
    /// the central system's lock.
    public typealias CallObserver = @Sendable (_ chargePoint: String, _ action: String, _ payload: JSONValue,
                                                _ answer: JSONValue?) -> Void
    private let onCall: CallObserver?
    /// Whether a CALL whose message id it already answered (from the same charge point) is a
    /// retransmission: it gets the first answer again and changes nothing, as a backend that
    /// deduplicates by message id does. Off by default: most backends do not.
    public let recognisesRetransmissions: Bool
    /// The answers given, by charge point and message id, when retransmissions are recognised.
    private var answered: [String: OCPPFrame] = [:]
    /// Answers a CALL in place of the central system's own answer when it returns a payload
    /// (`nil`: answer as usual); on the connection's event loop, outside the lock. Such calls are
    /// not recorded and not observed. `chargemux loadtest --serve-backends` answers its control
    /// queries with it.
    public typealias CallResponder = @Sendable (_ chargePoint: String, _ action: String, _ payload: JSONValue) -> JSONValue?
    private let responder: CallResponder?

    public init(name: String, version: OCPPVersion = .v16, transactionIdBase: Int = 1000, rejectedIdTags: Set<String> = [],
                bootStatus: String = "Accepted", heartbeatInterval: Int = 300, silent: Bool = false,
                recordsFrames: Bool = true, recognisesRetransmissions: Bool = false, onCall: CallObserver? = nil,
                responder: CallResponder? = nil) {
        self.recordsFrames = recordsFrames
        self.recognisesRetransmissions = recognisesRetransmissions
        self.onCall = onCall
        self.responder = responder
        self.name = name
        self.version = version
        self.catalog = OCPPCatalog.forVersion(version)
        self.nextTransactionId = transactionIdBase
        self.rejectedIdTags = Set(rejectedIdTags.map { $0.uppercased() })
        self.bootStatus = bootStatus
        self.heartbeatInterval = heartbeatInterval
        self.silent = silent
    }

    private var silentActions: Set<String> = []

    /// Calls of these actions are recorded and never answered (a backend that hangs); empty by default.
    public func setSilent(_ actions: Set<String>) { lock.withLock { silentActions = actions } }

    /// Everything received so far, in order.
    public var received: [Received] { lock.withLock { log } }

    /// Records a frame from `chargePoint` and returns the answer to send, if it was a CALL (and
    /// the central system is not silent).
    public func handle(_ frame: OCPPFrame, from chargePoint: String, now: Date = Date()) -> OCPPFrame? {
        if let responder, case .call(let id, let action, let payload) = frame,
           let result = responder(chargePoint, action, payload) {
            return .callResult(id: id, payload: result)
        }
        let answer: OCPPFrame? = lock.withLock {
            if recordsFrames { log.append(Received(chargePoint: chargePoint, frame: frame)) }
            guard !silent, case .call(let id, let action, let payload) = frame else { return nil }
            if silentActions.contains(action) { return nil }
            let key = chargePoint + "\u{0}" + id
            if recognisesRetransmissions, let earlier = answered[key] { return earlier }
            guard let spec = catalog.action(named: action), spec.direction.chargePointMaySend else {
                return .callError(id: id, code: "NotImplemented", description: "`\(action)` is not a charge point's call",
                                  details: .object(JSONObject()))
            }
            let result = OCPPFrame.callResult(id: id, payload: self.answer(action, spec: spec, payload: payload, now: now))
            if recognisesRetransmissions { answered[key] = result }
            return result
        }
        if let onCall, case .call(_, let action, let payload) = frame {
            if case .callResult(_, let result) = answer { onCall(chargePoint, action, payload, result) } else {
                onCall(chargePoint, action, payload, nil)
            }
        }
        return answer
    }

    /// A CALL to send to a charge point, with this central system's next message id, or with
    /// `messageId` when given (tests of two backends using the same id at once).
    public func makeCall(_ action: String, payload: JSONValue, messageId: String? = nil) -> OCPPFrame {
        lock.withLock {
            defer { nextMessageId += 1 }
            return .call(id: messageId ?? "\(name)-\(nextMessageId)", action: action, payload: payload)
        }
    }

    private func answer(_ action: String, spec: ActionSpec, payload: JSONValue, now: Date) -> JSONValue {
        var answer = SchemaAnswer.minimalPayload(for: spec.response, now: now)
        guard case .object(var object) = answer else { return answer }
        let idTagStatus: JSONValue = payload["idTag"]?.stringValue.map { rejectedIdTags.contains($0.uppercased()) } == true
            ? ["status": "Invalid"] : ["status": "Accepted"]
        switch (version, action) {
        case (_, "BootNotification"):
            object["status"] = .string(bootStatus)
            object["interval"] = .integer(heartbeatInterval)
        case (.v16, "Authorize"):
            object["idTagInfo"] = idTagStatus
        case (.v16, "StartTransaction"):
            object["transactionId"] = .integer(nextTransactionId)
            object["idTagInfo"] = idTagStatus
            nextTransactionId += 1
        case (.v16, "StopTransaction"):
            object["idTagInfo"] = ["status": "Accepted"]
        default:
            break
        }
        answer = .object(object)
        return answer
    }
}
