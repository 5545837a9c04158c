import OCPP

/// The charge point calls of the load test and the text of each, built without a JSON model.
///
/// Every call but Heartbeat carries a marker, the call's sequence number on its charge point,
/// in a field its schema allows (`LoadMarker`), so that the backends' records can be matched
/// call by call. The message id is the same number.
enum LoadAction: Int, CaseIterable, Sendable {
    case bootNotification, heartbeat, statusNotification, authorize, startTransaction, meterValues, stopTransaction,
         dataTransfer

    var name: String {
        switch self {
        case .bootNotification: "BootNotification"
        case .heartbeat: "Heartbeat"
        case .statusNotification: "StatusNotification"
        case .authorize: "Authorize"
        case .startTransaction: "StartTransaction"
        case .meterValues: "MeterValues"
        case .stopTransaction: "StopTransaction"
        case .dataTransfer: "DataTransfer"
        }
    }

    init?(name: String) {
        guard let action = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = action
    }

    /// Needs an open transaction.
    var needsTransaction: Bool { self == .meterValues || self == .stopTransaction }
}

/// One step of a charge point's cycle.
struct LoadStep: Sendable {
    var action: LoadAction
    /// For StatusNotification.
    var status: String = ""
}

enum LoadScenario {
    /// After each connection.
    static let boot: [LoadStep] = [
        LoadStep(action: .bootNotification), LoadStep(action: .statusNotification, status: "Available"),
    ]

    /// Then, over and over: a heartbeat, a charging session with ten meter readings, a data transfer.
    /// 17 calls, MeterValues 10 of them.
    static let cycle: [LoadStep] = [
        LoadStep(action: .heartbeat),
        LoadStep(action: .authorize),
        LoadStep(action: .startTransaction),
        LoadStep(action: .statusNotification, status: "Charging"),
    ] + Array(repeating: LoadStep(action: .meterValues), count: 10) + [
        LoadStep(action: .stopTransaction),
        LoadStep(action: .statusNotification, status: "Available"),
        LoadStep(action: .dataTransfer),
    ]

    /// The `idle` profile's cycle, one call per half interval: a heartbeat, then meter readings
    /// outside any transaction.
    static let idleCycle: [LoadStep] = [LoadStep(action: .heartbeat), LoadStep(action: .meterValues)]

    static let timestamp = "2026-11-21T08:00:00Z"

    /// The CALL's text; `seq` is message id and marker. MeterValues without a `transactionId`
    /// (`nil`) are outside any transaction.
    static func text(_ step: LoadStep, seq: Int, transactionId: Int?) -> String {
        let id = String(seq)
        switch step.action {
        case .bootNotification:
            return #"[2,""# + id + #"","BootNotification",{"chargePointVendor":"chargemux","chargePointModel":"loadtest","chargePointSerialNumber":""#
                + id + #""}]"#
        case .heartbeat:
            return #"[2,""# + id + #"","Heartbeat",{}]"#
        case .statusNotification:
            return #"[2,""# + id + #"","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":""# + step.status
                + #"","info":""# + id + #""}]"#
        case .authorize:
            return #"[2,""# + id + #"","Authorize",{"idTag":"T"# + id + #""}]"#
        case .startTransaction:
            return #"[2,""# + id + #"","StartTransaction",{"connectorId":1,"idTag":"T"# + id + #"","meterStart":"# + id
                + #","timestamp":""# + timestamp + #""}]"#
        case .meterValues:
            let transaction = transactionId.map { #","transactionId":"# + String($0) } ?? ""
            return #"[2,""# + id + #"","MeterValues",{"connectorId":1"# + transaction
                + #","meterValue":[{"timestamp":""# + timestamp + #"","sampledValue":[{"value":""# + id + #""}]}]}]"#
        case .stopTransaction:
            return #"[2,""# + id + #"","StopTransaction",{"meterStop":"# + id + #","timestamp":""# + timestamp
                + #"","transactionId":"# + String(transactionId ?? 0) + "}]"
        case .dataTransfer:
            return #"[2,""# + id + #"","DataTransfer",{"vendorId":"chargemux.loadtest","messageId":""# + id + #"","data":"x"}]"#
        }
    }
}

/// The marker of a call, as a backend reads it from the payload it got.
enum LoadMarker {
    static func marker(action: LoadAction, payload: JSONValue) -> Int? {
        switch action {
        case .bootNotification: payload["chargePointSerialNumber"]?.stringValue.flatMap { Int($0) }
        case .heartbeat: nil
        case .statusNotification: payload["info"]?.stringValue.flatMap { Int($0) }
        case .authorize: payload["idTag"]?.stringValue.flatMap { Int($0.dropFirst()) }
        case .startTransaction: payload["meterStart"]?.intValue
        case .meterValues:
            payload["meterValue"]?.arrayValue?.first?["sampledValue"]?.arrayValue?.first?["value"]?.stringValue
                .flatMap { Int($0) }
        case .stopTransaction: payload["meterStop"]?.intValue
        case .dataTransfer: payload["messageId"]?.stringValue.flatMap { Int($0) }
        }
    }
}
