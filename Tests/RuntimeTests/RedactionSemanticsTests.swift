import OCPP
import Runtime
import Testing

@Suite("redaction semantics")
struct RedactionSemanticsTests {
    static let policy = """
        policy "t" for ocpp 1.6
        owner fleet when idTag matches "FLEET-*"
        owner billing otherwise
        route Authorize, StartTransaction to owner
        route StartTransaction, BootNotification to ems, hems, audit
        redact idTag for ems as owner
        redact idTag for hems as hash
        redact idTag in StartTransaction for audit as mask
        redact chargeBoxSerialNumber, iccid in BootNotification for ems as drop
        allow ems GetConfiguration
        """
    static let start: JSONValue = ["connectorId": 1, "idTag": "FLEET-0042", "meterStart": 0, "timestamp": "2026-01-01T00:00:00Z"]
    let redactor = Redactor(hashKey: Array("test-key-0123456789".utf8))

    func apply(_ harness: PolicyHarness, _ action: String, _ payload: JSONValue, for backend: String) -> JSONValue {
        let redactions = harness.policy.redactions(action: action, inResponse: false, backend: harness.policy.backendIndex(backend)!)
        return redactor.apply(redactions, to: payload, owner: "fleet").0
    }

    @Test("`owner` replaces the value with the owner backend's name")
    func ownerMode() throws {
        let harness = try PolicyHarness(Self.policy)
        #expect(apply(harness, "StartTransaction", Self.start, for: "ems")["idTag"] == "fleet")
        // the owner itself sees the real idTag
        #expect(apply(harness, "StartTransaction", Self.start, for: "fleet")["idTag"] == "FLEET-0042")
    }

    @Test("`hash` is a keyed pseudonym that fits the field and ignores case like OCPP does")
    func hashMode() throws {
        let harness = try PolicyHarness(Self.policy)
        let hashed = try #require(apply(harness, "StartTransaction", Self.start, for: "hems")["idTag"]?.stringValue)
        #expect(hashed != "FLEET-0042")
        #expect(hashed.count == 20)
        var lower = Self.start
        if case .object(var object) = lower { object["idTag"] = "fleet-0042"; lower = .object(object) }
        #expect(apply(harness, "StartTransaction", lower, for: "hems")["idTag"]?.stringValue == hashed)
        let otherKey = Redactor(hashKey: Array("another-key-987654".utf8))
        #expect(otherKey.pseudonym("FLEET-0042", caseInsensitive: true, maxLength: 20) != hashed)
    }

    @Test("`mask` keeps the last four characters, only in the actions named")
    func maskMode() throws {
        let harness = try PolicyHarness(Self.policy)
        #expect(apply(harness, "StartTransaction", Self.start, for: "audit")["idTag"] == "******0042")
        #expect(harness.policy.redactions(action: "Authorize", inResponse: false, backend: harness.policy.backendIndex("audit")!).isEmpty)
        #expect(Redactor.mask("1234") == "****")
    }

    @Test("`drop` removes optional fields, only for the backends named")
    func dropMode() throws {
        let harness = try PolicyHarness(Self.policy)
        let boot: JSONValue = ["chargePointModel": "M", "chargePointVendor": "V", "chargeBoxSerialNumber": "SN1", "iccid": "8949"]
        let forEms = apply(harness, "BootNotification", boot, for: "ems")
        #expect(forEms["chargeBoxSerialNumber"] == nil)
        #expect(forEms["iccid"] == nil)
        #expect(forEms["chargePointModel"] == "M")
        #expect(apply(harness, "BootNotification", boot, for: "hems")["chargeBoxSerialNumber"] == "SN1")
    }

    @Test("redacted payloads stay valid against the OCPP schema")
    func schemaValid() throws {
        let harness = try PolicyHarness(Self.policy)
        let catalog = OCPPCatalog.v16
        let schema = try #require(catalog.action(named: "StartTransaction")).request
        for backend in ["ems", "hems", "audit"] {
            let payload = apply(harness, "StartTransaction", Self.start, for: backend)
            #expect(catalog.validate(payload, against: schema).isEmpty, "\(backend): \(payload)")
        }
    }
}
