import Foundation
import OCPP
import Testing

/// The policies of the end-to-end tests. Rule line numbers matter: tests check that decisions
/// and refusals name them.
enum E2EPolicy {
    static let backends = ["billing", "fleet", "ems"]

    /// billing is primary and owns everyone but the fleet's users; ems gets copies of the
    /// transaction messages with the owner's name for an idTag.
    static let standard = """
        policy "e2e" for ocpp 1.6
        primary billing
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        redact idTag for ems as owner
        redact chargeBoxSerialNumber in BootNotification for ems as drop
        allow ems SetChargingProfile
        allow fleet RemoteStopTransaction
        allow billing RemoteStartTransaction
        allow all GetConfiguration, ChangeConfiguration, Reset
        deny ems Reset
        """

    /// Line numbers of `standard`'s rules.
    enum Line {
        static let ownerFleet = 3
        static let routeToOwner = 7
        static let routeToEms = 8
        static let redactIdTag = 9
        static let allowEmsProfile = 11
        static let allowFleetRemoteStop = 12
        static let allowAll = 14
        static let denyEmsReset = 15
    }

    static let status: JSONValue = ["connectorId": 1, "errorCode": "NoError", "status": "Available"]

    static func start(_ idTag: String, connector: Int = 1) -> JSONValue {
        ["connectorId": .integer(connector), "idTag": .string(idTag), "meterStart": 0, "timestamp": "2026-11-21T08:00:00Z"]
    }

    static func meterValues(_ transactionId: Int) -> JSONValue {
        ["connectorId": 1, "transactionId": .integer(transactionId),
         "meterValue": [["timestamp": "2026-11-21T08:10:00Z", "sampledValue": [["value": "1500"]]]]]
    }

    static func stop(_ transactionId: Int, idTag: String? = nil) -> JSONValue {
        var payload: JSONValue = ["meterStop": 3000, "timestamp": "2026-11-21T09:00:00Z", "transactionId": .integer(transactionId)]
        if let idTag, case .object(var object) = payload {
            object["idTag"] = .string(idTag)
            payload = .object(object)
        }
        return payload
    }

    static func chargingProfile(transactionId: Int) -> JSONValue {
        ["connectorId": 1, "csChargingProfiles": [
            "chargingProfileId": 7, "transactionId": .integer(transactionId), "stackLevel": 0,
            "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
            "chargingSchedule": ["chargingRateUnit": "A", "chargingSchedulePeriod": [["startPeriod": 0, "limit": 16]]],
        ]]
    }
}
