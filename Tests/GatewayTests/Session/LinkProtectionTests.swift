@testable import Gateway
import OCPP
import Testing

@Suite("session: commands that would cut the gateway out")
struct LinkProtectionTests {
    @Test("1.6: ChangeConfiguration of AuthorizationKey or SecurityProfile, in any case; other keys pass")
    func changeConfiguration() {
        #expect(ChargePointSession.linkProtectionRefusal(action: "ChangeConfiguration",
                                                          payload: ["key": "AuthorizationKey", "value": "00"]) != nil)
        #expect(ChargePointSession.linkProtectionRefusal(action: "ChangeConfiguration",
                                                          payload: ["key": "securityprofile", "value": "2"]) != nil)
        #expect(ChargePointSession.linkProtectionRefusal(action: "ChangeConfiguration",
                                                          payload: ["key": "HeartbeatInterval", "value": "60"]) == nil)
    }

    @Test("2.0.1: SetNetworkProfile always; SetVariables of SecurityCtrlr.BasicAuthPassword and the like")
    func ocpp201() {
        #expect(ChargePointSession.linkProtectionRefusal(action: "SetNetworkProfile", payload: [:]) != nil)
        let password: JSONValue = ["setVariableData": [
            ["attributeValue": "60", "component": ["name": "OCPPCommCtrlr"], "variable": ["name": "HeartbeatInterval"]],
            ["attributeValue": "new-secret-password", "component": ["name": "SecurityCtrlr"], "variable": ["name": "BasicAuthPassword"]],
        ]]
        let refusal = ChargePointSession.linkProtectionRefusal(action: "SetVariables", payload: password)
        #expect(refusal?.contains("`SecurityCtrlr.BasicAuthPassword`") == true)
        #expect(refusal?.contains("new-secret-password") == false)
        let harmless: JSONValue = ["setVariableData": [
            ["attributeValue": "60", "component": ["name": "OCPPCommCtrlr"], "variable": ["name": "HeartbeatInterval"]],
        ]]
        #expect(ChargePointSession.linkProtectionRefusal(action: "SetVariables", payload: harmless) == nil)
    }
}
