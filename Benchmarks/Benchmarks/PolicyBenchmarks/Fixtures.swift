import Foundation
import OCPP
import PolicyLang
import Runtime

/// Policies and realistic frames the benchmarks evaluate.
enum Fixtures {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func compile(_ source: SourceFile) -> CompiledPolicy {
        let result = PolicyPipeline.compile(source: source)
        guard let compiled = result.compiled else {
            fatalError("benchmark policy does not compile: \(result.diagnostics.prefix(3).map(DiagnosticRenderer.headline))")
        }
        return compiled
    }

    static let linkingWorld: CompiledPolicy = {
        let result = PolicyPipeline.compile(path: repositoryRoot + "/Examples/linking-world/site.policy")
        guard let compiled = result.compiled else { fatalError("linking-world does not compile") }
        return compiled
    }()

    static let synthetic1000 = compile(SourceFile(path: "synthetic-1000.policy", text: SyntheticPolicy.generate(rules: 1000)))

    /// The policy `scripts/bench` runs the gateway with: every charge-point call to both backends.
    static let small = compile(SourceFile(path: "small.policy", text: """
        policy "bench" for ocpp 1.6
        primary b1
        route BootNotification, Heartbeat, StatusNotification, Authorize, StartTransaction, StopTransaction, MeterValues, DataTransfer to all
        allow all GetConfiguration, TriggerMessage
        """))

    static func frame(_ text: String) -> (action: String, payload: JSONValue) {
        guard case .call(_, let action, let payload)? = try? OCPPFrame(parsing: text) else { fatalError("bad fixture \(text)") }
        return (action, payload)
    }

    static let startTransactionText =
        #"[2,"19223201","StartTransaction",{"connectorId":1,"idTag":"EMP-00042","meterStart":123456,"timestamp":"2026-11-21T08:15:00Z"}]"#
    static let meterValuesText = #"[2,"19223202","MeterValues",{"connectorId":1,"transactionId":4711,"meterValue":[{"timestamp":"2026-11-21T08:30:00Z","sampledValue":[{"value":"125678","measurand":"Energy.Active.Import.Register","unit":"Wh"},{"value":"11040","measurand":"Power.Active.Import","unit":"W"},{"value":"54","measurand":"SoC","unit":"Percent"}]}]}]"#
    static let statusText = #"[2,"19223203","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Charging","timestamp":"2026-11-21T08:15:02Z"}]"#
    static let heartbeatText = #"[2,"19223204","Heartbeat",{}]"#
    static let bootText = #"[2,"19223200","BootNotification",{"chargePointVendor":"Linking","chargePointModel":"LW-22","chargePointSerialNumber":"LW22-000123","chargeBoxSerialNumber":"CB-000123","firmwareVersion":"2.4.1","iccid":"8949020000012345678","imsi":"262011234567890","meterType":"EM340","meterSerialNumber":"EM-998877"}]"#
    static let authorizeText = #"[2,"19223205","Authorize",{"idTag":"EMP-00042"}]"#
    static let stopTransactionText = #"[2,"19223206","StopTransaction",{"transactionId":4711,"idTag":"EMP-00042","meterStop":134567,"timestamp":"2026-11-21T09:15:00Z","reason":"Local"}]"#
    static let dataTransferText = #"[2,"19223207","DataTransfer",{"vendorId":"com.fleetco","messageId":"SoC","data":"{\"soc\":54}"}]"#
    static let setChargingProfileText = #"[2,"b-78","SetChargingProfile",{"connectorId":1,"csChargingProfiles":{"chargingProfileId":12,"stackLevel":1,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":7400}]}}}]"#
    static let remoteStopText = #"[2,"b-77","RemoteStopTransaction",{"transactionId":4711}]"#
    static let syntheticStartText =
        #"[2,"1","StartTransaction",{"connectorId":2,"idTag":"C145-0042","meterStart":0,"timestamp":"2026-11-21T08:15:00Z"}]"#
    static let syntheticDataTransferText = #"[2,"2","DataTransfer",{"vendorId":"vendor-7","messageId":"x","data":"{}"}]"#
}
