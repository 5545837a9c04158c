import OCPP

/// How a load test asks its backends, when they run in a process of their own
/// (`chargemux loadtest --serve-backends`), what they got.
///
/// The load test connects to each backend as the charge point ``chargePointId`` and sends
/// DataTransfer calls with ``vendorId``; the serving process answers them itself (they are never
/// counted as load) with the answer in `data`:
///
/// | `messageId` | `data` sent | `data` answered |
/// | --- | --- | --- |
/// | `connected` | | the number of charge points connected to this backend |
/// | `calls` | | the calls this backend received in all |
/// | `records` | charge point ids, comma-separated | a JSON object: id → `[markers, heartbeats, calls, wrongTransactionIds]`, markers as ranges (`1-5,7`) |
enum LoadControl {
    static let chargePointId = "loadtest-control"
    static let vendorId = "chargemux.loadtest"
    /// Charge points per `records` query.
    static let recordsBatch = 250

    /// The serving side: answers a control query about `tally` (and `connected`, the charge
    /// points connected now, the control connection included); `nil` for any other call.
    static func answer(chargePoint: String, action: String, payload: JSONValue, tally: BackendTally,
                       connected: () -> Int) -> JSONValue? {
        guard chargePoint == chargePointId, action == "DataTransfer", payload["vendorId"]?.stringValue == vendorId else {
            return nil
        }
        let data: String
        switch payload["messageId"]?.stringValue {
        case "connected":
            data = String(max(0, connected() - 1))
        case "calls":
            data = String(tally.totalCalls)
        case "records":
            let ids = (payload["data"]?.stringValue ?? "").split(separator: ",").map(String.init)
            let records = tally.snapshot
            let entries: [(key: String, value: JSONValue)] = ids.compactMap { id in
                guard let record = records[id] else { return nil }
                return (key: id, value: .array([.string(encode(record.markers)), .integer(record.heartbeats), .integer(record.calls),
                                    .integer(record.wrongTransactionIds)]))
            }
            data = JSONValue.object(JSONObject(entries)).serialized
        default:
            return ["status": "UnknownMessageId"]
        }
        return ["status": "Accepted", "data": .string(data)]
    }

    /// Parses a `records` answer.
    static func records(from data: String) -> [String: BackendTally.ChargePointRecord]? {
        guard let parsed = try? JSONValue(parsing: data), case .object(let object) = parsed else { return nil }
        var records: [String: BackendTally.ChargePointRecord] = [:]
        for (id, value) in object.members {
            guard let fields = value.arrayValue, fields.count == 4, let markers = fields[0].stringValue.flatMap(decode) else {
                return nil
            }
            var record = BackendTally.ChargePointRecord()
            record.markers = markers
            record.heartbeats = fields[1].intValue ?? 0
            record.calls = fields[2].intValue ?? 0
            record.wrongTransactionIds = fields[3].intValue ?? 0
            records[id] = record
        }
        return records
    }

    /// `[1, 2, 3, 5, 7, 8]` → `1-3,5,7-8`.
    static func encode(_ markers: Set<Int>) -> String {
        var parts: [String] = []
        var run: (first: Int, last: Int)?
        for marker in markers.sorted() {
            if let current = run, marker == current.last + 1 {
                run = (current.first, marker)
                continue
            }
            if let current = run { parts.append(current.first == current.last ? "\(current.first)" : "\(current.first)-\(current.last)") }
            run = (marker, marker)
        }
        if let current = run { parts.append(current.first == current.last ? "\(current.first)" : "\(current.first)-\(current.last)") }
        return parts.joined(separator: ",")
    }

    /// The inverse of ``encode(_:)``; `nil` for malformed text.
    static func decode(_ text: String) -> Set<Int>? {
        var markers = Set<Int>()
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0) }
            guard let first = bounds.first ?? nil else { return nil }
            let last = bounds.count == 2 ? bounds[1] : first
            guard let last, last >= first else { return nil }
            markers.formUnion(first...last)
        }
        return markers
    }
}
