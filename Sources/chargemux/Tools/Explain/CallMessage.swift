import OCPP

/// The CALL given to `explain --message`.
struct CallMessage: Sendable, Equatable {
    /// The message id.
    var id: String
    /// The action name as sent (not necessarily a catalog action).
    var action: String
    /// The payload object.
    var payload: JSONValue

    /// Parses an OCPP-J CALL; anything else (bad JSON, not a frame, a result) is a usage error.
    init(parsing text: String) throws(UsageError) {
        let frame: OCPPFrame
        do { frame = try OCPPFrame(parsing: text) } catch {
            switch error.kind {
            case .invalidJSON: throw UsageError("`--message` is not json: \(error.reason)")
            case .notAFrame, .unknownMessageType: throw UsageError("`--message` is not an ocpp-j frame: \(error.reason)")
            }
        }
        guard case .call(let id, let action, let payload) = frame else {
            throw UsageError("`--message` must be a call `[2, \"id\", \"Action\", {...}]`, not message type \(frame.messageTypeId)")
        }
        self.init(id: id, action: action, payload: payload)
    }

    /// A call from its parts.
    init(id: String, action: String, payload: JSONValue) {
        self.id = id
        self.action = action
        self.payload = payload
    }
}
