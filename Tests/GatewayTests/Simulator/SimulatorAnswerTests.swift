import Foundation
import Gateway
import OCPP
import Testing

@Suite("simulator answers")
struct SimulatorAnswerTests {
    @Test("the simulated central system answers every charge-point action validly", arguments: OCPPVersion.allCases)
    func centralSystemAnswersEveryAction(version: OCPPVersion) throws {
        let catalog = OCPPCatalog.forVersion(version)
        let system = SimulatedCentralSystem(name: "billing", version: version)
        for spec in catalog.chargePointActions {
            let call = OCPPFrame.call(id: "m-\(spec.name)", action: spec.name, payload: .object(JSONObject()))
            guard case .callResult(let id, let payload)? = system.handle(call, from: "CP-1") else {
                Issue.record("no result for \(spec.name)")
                continue
            }
            #expect(id == "m-\(spec.name)")
            #expect(catalog.validate(payload, against: spec.response).isEmpty, "\(spec.name): \(payload)")
        }
        #expect(system.received.count == catalog.chargePointActions.count)
    }

    @Test("the simulated charge point answers every backend action validly", arguments: OCPPVersion.allCases)
    func chargePointAnswersEveryAction(version: OCPPVersion) throws {
        let catalog = OCPPCatalog.forVersion(version)
        let answers = SimulatedChargePointAnswers(version: version)
        for spec in catalog.backendActions {
            guard case .callResult(_, let payload)? = answers.answer(.call(id: "x", action: spec.name, payload: [:])) else {
                Issue.record("no result for \(spec.name)")
                continue
            }
            #expect(catalog.validate(payload, against: spec.response).isEmpty, "\(spec.name): \(payload)")
            if spec.response.field(named: "status") != nil, case .enumeration(let values) = spec.response.field(named: "status")?.type,
               values.contains("Accepted") {
                #expect(payload["status"] == "Accepted", "\(spec.name)")
            }
        }
    }

    @Test("transaction ids count up from the backend's base; rejected idTags are Invalid; boot status as configured")
    func transactionsAndStatus() throws {
        let system = SimulatedCentralSystem(name: "fleet", transactionIdBase: 2000, rejectedIdTags: ["blocked-1"], bootStatus: "Pending")
        func result(_ action: String, _ payload: JSONValue) -> JSONValue? {
            if case .callResult(_, let answer)? = system.handle(.call(id: "1", action: action, payload: payload), from: "CP-1") {
                return answer
            }
            return nil
        }
        let start: JSONValue = ["connectorId": 1, "idTag": "A", "meterStart": 0, "timestamp": "2026-01-01T00:00:00Z"]
        #expect(result("StartTransaction", start)?["transactionId"] == 2000)
        #expect(result("StartTransaction", start)?["transactionId"] == 2001)
        #expect(result("Authorize", ["idTag": "BLOCKED-1"])?["idTagInfo"]?["status"] == "Invalid")
        #expect(result("Authorize", ["idTag": "OK"])?["idTagInfo"]?["status"] == "Accepted")
        #expect(result("BootNotification", ["chargePointModel": "M", "chargePointVendor": "V"])?["status"] == "Pending")
        guard case .callError(_, let code, _, _)? = system.handle(.call(id: "2", action: "Reset", payload: [:]), from: "CP-1") else {
            Issue.record("a backend-only action must be refused")
            return
        }
        #expect(code == "NotImplemented")
    }
}
