import OCPP
import Testing

/// The catalogs' actions, directions and gateway answers.
@Suite("Catalog contents")
struct CatalogTests {
    static let v16ChargePoint: Set<String> = [
        "Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
        "Heartbeat", "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction", "SignCertificate",
        "SecurityEventNotification", "LogStatusNotification", "SignedFirmwareStatusNotification",
    ]
    static let v16Backend: Set<String> = [
        "CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache", "ClearChargingProfile",
        "DataTransfer", "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics", "GetLocalListVersion",
        "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList",
        "SetChargingProfile", "TriggerMessage", "UnlockConnector", "UpdateFirmware", "CertificateSigned",
        "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds", "GetLog", "InstallCertificate",
        "SignedUpdateFirmware",
    ]
    static let v201ChargePoint: Set<String> = [
        "Authorize", "BootNotification", "ClearedChargingLimit", "FirmwareStatusNotification",
        "Get15118EVCertificate", "GetCertificateStatus", "Heartbeat", "LogStatusNotification", "MeterValues",
        "NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEVChargingNeeds",
        "NotifyEVChargingSchedule", "NotifyEvent", "NotifyMonitoringReport", "NotifyReport",
        "PublishFirmwareStatusNotification", "ReportChargingProfiles", "ReservationStatusUpdate",
        "SecurityEventNotification", "SignCertificate", "StatusNotification", "TransactionEvent",
    ]

    @Test("1.6 has 39 actions and 2.0.1 has 64")
    func counts() {
        #expect(OCPPCatalog.v16.actions.count == 39)
        #expect(OCPPCatalog.v201.actions.count == 64)
        #expect(OCPPCatalog.v16.version == .v16)
        #expect(OCPPCatalog.v201.version == .v201)
        #expect(OCPPCatalog.forVersion(.v16).actions == OCPPCatalog.v16.actions)
        #expect(OCPPCatalog.forVersion(.v201).actions == OCPPCatalog.v201.actions)
    }

    @Test("1.6 directions follow the specification's lists")
    func v16Directions() {
        let catalog = OCPPCatalog.v16
        #expect(Set(catalog.chargePointActions.map(\.name)) == Self.v16ChargePoint)
        #expect(Set(catalog.backendActions.map(\.name)) == Self.v16Backend)
        #expect(catalog.actions(direction: .both).map(\.name) == ["DataTransfer"])
        #expect(catalog.actions(direction: .chargePointToBackend).count == 13)
        #expect(catalog.actions(direction: .backendToChargePoint).count == 25)
    }

    @Test("2.0.1 has 24 station actions, 39 CSMS actions and DataTransfer both ways")
    func v201Directions() {
        let catalog = OCPPCatalog.v201
        #expect(Set(catalog.actions(direction: .chargePointToBackend).map(\.name)) == Self.v201ChargePoint)
        #expect(catalog.actions(direction: .backendToChargePoint).count == 39)
        #expect(catalog.actions(direction: .both).map(\.name) == ["DataTransfer"])
        #expect(catalog.chargePointActions.count == 25)
        #expect(catalog.backendActions.count == 40)
        for name in ["RequestStartTransaction", "SetVariables", "CostUpdated", "PublishFirmware"] {
            #expect(catalog.action(named: name)?.direction == .backendToChargePoint, "\(name)")
        }
    }

    @Test("gateway answers: heartbeat, boot notification, and empty for notifications only")
    func gatewayAnswers() {
        let v16Empty: Set<String> = [
            "StatusNotification", "MeterValues", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
            "SecurityEventNotification", "LogStatusNotification", "SignedFirmwareStatusNotification",
        ]
        let v201Empty: Set<String> = [
            "ClearedChargingLimit", "FirmwareStatusNotification", "LogStatusNotification", "MeterValues",
            "NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEvent",
            "NotifyMonitoringReport", "NotifyReport", "PublishFirmwareStatusNotification", "ReportChargingProfiles",
            "ReservationStatusUpdate", "SecurityEventNotification", "StatusNotification",
        ]
        for (catalog, empty) in [(OCPPCatalog.v16, v16Empty), (OCPPCatalog.v201, v201Empty)] {
            #expect(catalog.action(named: "Heartbeat")?.gatewayAnswer == .heartbeat)
            #expect(catalog.action(named: "BootNotification")?.gatewayAnswer == .bootNotification)
            #expect(Set(catalog.actions.filter { $0.gatewayAnswer == .empty }.map(\.name)) == empty)
            for action in catalog.actions where action.gatewayAnswer == .empty {
                #expect(action.response.fields.allSatisfy { !$0.required }, "\(action.name)")
                #expect(action.direction == .chargePointToBackend, "\(action.name)")
            }
            for name in ["Authorize", "DataTransfer", "StartTransaction", "StopTransaction", "TransactionEvent"] {
                #expect(catalog.action(named: name).map { $0.gatewayAnswer == nil } ?? true, "\(name)")
            }
            #expect(catalog.backendActions.allSatisfy { $0.gatewayAnswer == nil })
        }
    }

    @Test("action lookup is case-sensitive and indices are dense")
    func actionLookup() {
        for catalog in [OCPPCatalog.v16, OCPPCatalog.v201] {
            #expect(catalog.action(named: "Heartbeat")?.name == "Heartbeat")
            #expect(catalog.action(named: "heartbeat") == nil)
            #expect(catalog.actions.map(\.name) == catalog.actions.map(\.name).sorted())
            let indices = catalog.actions.compactMap { catalog.actionIndex(named: $0.name) }
            #expect(indices == Array(0..<catalog.actions.count))
        }
    }

    @Test("additional members: none in 1.6, only customData in 2.0.1")
    func additionalFields() {
        func openObjects(_ schema: ObjectSchema, _ path: String, into result: inout Set<String>) {
            if schema.allowsAdditionalFields { result.insert(path) }
            for field in schema.fields {
                if case .object(let inner) = field.type.elementType {
                    openObjects(inner, path.isEmpty ? field.name : path + "." + field.name, into: &result)
                }
            }
        }
        for catalog in [OCPPCatalog.v16, OCPPCatalog.v201] {
            var open: Set<String> = []
            for action in catalog.actions {
                openObjects(action.request, "", into: &open)
                openObjects(action.response, "", into: &open)
            }
            if catalog.version == .v16 {
                #expect(open.isEmpty)
            } else {
                #expect(!open.isEmpty)
                #expect(open.allSatisfy { $0 == "customData" || $0.hasSuffix(".customData") }, "\(open.sorted())")
            }
        }
    }

    @Test("2.0.1 DataTransfer data is any; 1.6 DataTransfer data is a string")
    func dataTransferData() {
        #expect(OCPPCatalog.v201.action(named: "DataTransfer")?.request.field(named: "data")?.type == .any)
        #expect(OCPPCatalog.v201.action(named: "DataTransfer")?.response.field(named: "data")?.type == .any)
        #expect(OCPPCatalog.v16.action(named: "DataTransfer")?.request.field(named: "data")?.type
            == .string(maxLength: nil, caseInsensitive: false))
    }
}
