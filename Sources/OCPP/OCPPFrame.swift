/// One OCPP-J message: `[2, id, action, payload]`, `[3, id, payload]` or `[4, id, code, description, details]`.
public enum OCPPFrame: Sendable, Equatable {
    case call(id: String, action: String, payload: JSONValue)
    case callResult(id: String, payload: JSONValue)
    case callError(id: String, code: String, description: String, details: JSONValue)

    /// The message id, unique per sender per connection.
    public var messageId: String {
        switch self {
        case .call(let id, _, _), .callResult(let id, _), .callError(let id, _, _, _): id
        }
    }

    /// The OCPP-J message type number: 2, 3 or 4.
    public var messageTypeId: Int {
        switch self {
        case .call: 2
        case .callResult: 3
        case .callError: 4
        }
    }

    /// The payload of a CALL or CALLRESULT, the details of a CALLERROR.
    public var payload: JSONValue {
        switch self {
        case .call(_, _, let payload), .callResult(_, let payload): payload
        case .callError(_, _, _, let details): details
        }
    }

    /// The frame with another message id, as the gateway gives each leg its own.
    public func withMessageId(_ id: String) -> OCPPFrame {
        switch self {
        case .call(_, let action, let payload): .call(id: id, action: action, payload: payload)
        case .callResult(_, let payload): .callResult(id: id, payload: payload)
        case .callError(_, let code, let description, let details):
            .callError(id: id, code: code, description: description, details: details)
        }
    }
}

/// Why a text is not an OCPP-J frame, with the CALLERROR code OCPP gives for it.
public struct OCPPFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in the terms of OCPP-J.
    public enum Kind: Sendable, Equatable {
        /// The text is not JSON at all.
        case invalidJSON
        /// JSON, but not an array of the shape OCPP-J requires.
        case notAFrame
        /// The message type number is not 2, 3 or 4.
        case unknownMessageType
    }

    public var kind: Kind
    /// The message id when it could be read, else `"-1"` as OCPP 2.0.1 prescribes.
    public var messageId: String
    /// A lowercase explanation.
    public var reason: String

    public var description: String { reason }

    /// The CALLERROR code to answer with for this version.
    public func errorCode(for version: OCPPVersion) -> String {
        switch kind {
        case .invalidJSON, .notAFrame: version == .v16 ? "FormationViolation" : "RpcFrameworkError"
        case .unknownMessageType: version == .v16 ? "ProtocolError" : "MessageTypeNotSupported"
        }
    }
}

extension OCPPFrame {
    /// The longest message id OCPP-J allows.
    public static let maximumMessageIdLength = 36

    /// Parses an OCPP-J frame from its JSON text.
    public init(parsing text: String) throws(OCPPFrameError) {
        let value: JSONValue
        do { value = try JSONValue(parsing: text) } catch {
            throw OCPPFrameError(kind: .invalidJSON, messageId: "-1", reason: error.description)
        }
        try self.init(value)
    }

    /// Interprets a parsed JSON value as an OCPP-J frame.
    public init(_ value: JSONValue) throws(OCPPFrameError) {
        guard case .array(let elements) = value, elements.count >= 3 else {
            throw OCPPFrameError(kind: .notAFrame, messageId: "-1", reason: "an ocpp-j frame is a json array of 3 to 5 elements")
        }
        let messageId = elements[1].stringValue
        func failure(_ kind: OCPPFrameError.Kind, _ reason: String) -> OCPPFrameError {
            OCPPFrameError(kind: kind, messageId: messageId ?? "-1", reason: reason)
        }
        guard let typeId = elements[0].intValue else {
            throw failure(.notAFrame, "the first element must be the message type number 2, 3 or 4")
        }
        guard let messageId else { throw failure(.notAFrame, "the message id must be a string") }
        guard !messageId.isEmpty, messageId.utf8.count <= Self.maximumMessageIdLength else {
            throw failure(.notAFrame, "the message id must be 1 to \(Self.maximumMessageIdLength) characters")
        }
        switch typeId {
        case 2:
            guard elements.count == 4, let action = elements[2].stringValue else {
                throw failure(.notAFrame, "a call is [2, \"id\", \"Action\", {payload}]")
            }
            guard case .object = elements[3] else { throw failure(.notAFrame, "a call's payload must be an object") }
            self = .call(id: messageId, action: action, payload: elements[3])
        case 3:
            guard elements.count == 3 else { throw failure(.notAFrame, "a call result is [3, \"id\", {payload}]") }
            guard case .object = elements[2] else { throw failure(.notAFrame, "a call result's payload must be an object") }
            self = .callResult(id: messageId, payload: elements[2])
        case 4:
            guard elements.count == 5, let code = elements[2].stringValue, let description = elements[3].stringValue else {
                throw failure(.notAFrame, "a call error is [4, \"id\", \"code\", \"description\", {details}]")
            }
            guard case .object = elements[4] else { throw failure(.notAFrame, "a call error's details must be an object") }
            self = .callError(id: messageId, code: code, description: description, details: elements[4])
        default:
            throw failure(.unknownMessageType, "unknown message type \(typeId)")
        }
    }

    /// The frame as a JSON array.
    public var jsonValue: JSONValue {
        switch self {
        case .call(let id, let action, let payload): .array([2, .string(id), .string(action), payload])
        case .callResult(let id, let payload): .array([3, .string(id), payload])
        case .callError(let id, let code, let description, let details):
            .array([4, .string(id), .string(code), .string(description), details])
        }
    }

    /// The frame's compact JSON text, ready for a WebSocket text message.
    public var serialized: String { jsonValue.serialized }
}
