import OCPP
import Testing
@testable import Runtime

@Suite("redactor drop")
struct RedactorDropTests {
    @Test("`as drop` removes the member instead of setting it to null")
    func dropRemovesMember() {
        let payload: JSONValue = ["chargePointVendor": "ABB", "iccid": "8949", "imsi": "2620"]
        let drop = FieldRedaction(path: ["iccid"], mode: .drop, caseInsensitive: false, rule: 0)
        let (result, changed) = Redactor(hashKey: Array("0123456789abcdef".utf8)).apply([drop], to: payload, owner: nil)
        #expect(result == ["chargePointVendor": "ABB", "imsi": "2620"])
        #expect(changed == ["iccid"])
    }
}
