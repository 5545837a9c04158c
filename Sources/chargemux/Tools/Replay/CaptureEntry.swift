import OCPP

/// One line of a capture: a frame between a charge point and the gateway.
///
/// `{"time": "...", "chargePoint": "CP-1", "direction": "fromChargePoint", "backend": "billing", "frame": [...]}`;
/// `time` is optional and only echoed, `backend` names the sender of a `toChargePoint` frame
/// (without it, a call to the charge point is checked for every backend).
struct CaptureEntry: Sendable {
    /// Which way the frame travels.
    enum Direction: String, Sendable, CaseIterable {
        case fromChargePoint
        case toChargePoint
    }

    /// The 1-based line number in the capture.
    var line: Int
    /// When the frame was captured, as written.
    var time: String?
    /// The charge point's identity.
    var chargePoint: String
    /// Which way the frame travels.
    var direction: Direction
    /// The backend that sent a `toChargePoint` frame, if named.
    var backend: String?
    /// The OCPP-J frame.
    var frame: OCPPFrame

    /// Parses one line; the error says what is wrong with it, lowercase.
    init(parsing text: String, line: Int) throws(CaptureLineError) {
        let value: JSONValue
        do { value = try JSONValue(parsing: text) } catch { throw CaptureLineError(error.description) }
        guard case .object(let object) = value else { throw CaptureLineError("a capture line must be a json object") }
        guard let chargePoint = object["chargePoint"]?.stringValue, !chargePoint.isEmpty else {
            throw CaptureLineError("`chargePoint` must be a non-empty string")
        }
        guard let raw = object["direction"]?.stringValue, let direction = Direction(rawValue: raw) else {
            let found = object["direction"].map { " not `\($0.serialized)`" } ?? ""
            throw CaptureLineError("`direction` must be `fromChargePoint` or `toChargePoint`\(found.isEmpty ? "" : ",")\(found)")
        }
        guard let frameValue = object["frame"] else { throw CaptureLineError("`frame` is missing") }
        do { frame = try OCPPFrame(frameValue) } catch { throw CaptureLineError("`frame`: \(error.reason)") }
        if let backendValue = object["backend"], backendValue != .null {
            guard let backend = backendValue.stringValue else { throw CaptureLineError("`backend` must be a string") }
            guard direction == .toChargePoint else {
                throw CaptureLineError("`backend` goes with `toChargePoint`; a charge point's frame is routed by the policy")
            }
            self.backend = backend
        }
        if let timeValue = object["time"], timeValue != .null {
            guard let time = timeValue.stringValue else { throw CaptureLineError("`time` must be a string") }
            self.time = time
        }
        self.line = line
        self.chargePoint = chargePoint
        self.direction = direction
    }
}

/// Why a capture line cannot be replayed.
struct CaptureLineError: Error, Sendable, Equatable {
    /// What is wrong, lowercase, user input in backticks.
    var message: String

    /// An error saying `message`.
    init(_ message: String) { self.message = message }
}
