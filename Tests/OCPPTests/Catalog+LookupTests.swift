import OCPP
import Testing

/// The lookups the policy checker relies on: names, paths and case-insensitivity flags.
@Suite("Catalog lookups")
struct CatalogLookupTests {
    let v16 = OCPPCatalog.v16
    let v201 = OCPPCatalog.v201

    @Test("nearest action names")
    func nearestActionNames() {
        #expect(v16.nearestActionName(to: "StartTransation") == "StartTransaction")
        #expect(v16.nearestActionName(to: "starttransaction") == "StartTransaction")
        #expect(v16.nearestActionName(to: "Hearbeat") == "Heartbeat")
        #expect(v16.nearestActionName(to: "BootNotifcation") == "BootNotification")
        #expect(v16.nearestActionName(to: "Xyzzy") == nil)
        #expect(v16.nearestActionName(to: "TransactionEvent") == nil)
        #expect(v201.nearestActionName(to: "TransactionEvnet") == "TransactionEvent")
        #expect(v201.nearestActionName(to: "RemoteStartTransaction") == "RequestStartTransaction")
    }

    @Test("field types walk through arrays")
    func fieldTypesThroughArrays() throws {
        let meterValues = try #require(v16.action(named: "MeterValues")).request
        let measurand = v16.fieldType(at: ["meterValue", "sampledValue", "measurand"], in: meterValues)
        guard case .enumeration(let values)? = measurand else {
            Issue.record("expected an enumeration, got \(String(describing: measurand))")
            return
        }
        #expect(values.contains("Energy.Active.Import.Register"))
        #expect(v16.fieldType(at: ["meterValue", "timestamp"], in: meterValues) == .dateTime)
        guard case .array(let element, let minItems, nil)? = v16.fieldType(at: ["meterValue"], in: meterValues) else {
            Issue.record("meterValue is an array")
            return
        }
        #expect(minItems == 1)
        #expect(element.kindName == "object")
        #expect(v16.fieldType(at: ["meterValue", "nope"], in: meterValues) == nil)
        #expect(v16.fieldType(at: ["connectorId", "x"], in: meterValues) == nil)
        #expect(v16.fieldType(at: [], in: meterValues) == nil)
    }

    @Test("field(at:) returns the leaf with its required flag")
    func fieldSpecs() throws {
        let meterValues = try #require(v16.action(named: "MeterValues")).request
        #expect(v16.field(at: ["meterValue", "sampledValue", "value"], in: meterValues)?.required == true)
        #expect(v16.field(at: ["meterValue", "sampledValue", "measurand"], in: meterValues)?.required == false)
        #expect(v16.field(at: ["transactionId"], in: meterValues)?.type == .integer)
        let startResponse = try #require(v16.action(named: "StartTransaction")).response
        #expect(v16.field(at: ["idTagInfo", "status"], in: startResponse)?.required == true)
    }

    @Test("paths ending with a member name")
    func pathsEndingWith() throws {
        let sendLocalList = try #require(v16.action(named: "SendLocalList")).request
        #expect(v16.paths(endingWith: "idTag", in: sendLocalList) == [["localAuthorizationList", "idTag"]])
        #expect(v16.paths(endingWith: "parentIdTag", in: sendLocalList)
            == [["localAuthorizationList", "idTagInfo", "parentIdTag"]])
        #expect(v16.paths(endingWith: "idtag", in: sendLocalList) == [])
        let authorize = try #require(v16.action(named: "Authorize")).request
        #expect(v16.paths(endingWith: "idTag", in: authorize) == [["idTag"]])
        let event = try #require(v201.action(named: "TransactionEvent")).request
        let idTokens = v201.paths(endingWith: "idToken", in: event)
        #expect(idTokens.contains(["idToken"]))
        #expect(idTokens.contains(["idToken", "idToken"]))
    }

    @Test("all paths include nested members in schema order")
    func allPaths() throws {
        let authorize = try #require(v16.action(named: "Authorize")).response
        #expect(v16.allPaths(in: authorize) == [
            ["idTagInfo"], ["idTagInfo", "expiryDate"], ["idTagInfo", "parentIdTag"], ["idTagInfo", "status"],
        ])
    }

    @Test("nearest field paths")
    func nearestFieldPaths() throws {
        let authorize = try #require(v16.action(named: "Authorize")).response
        #expect(v16.nearestFieldPath(to: ["idTagInfo", "stauts"], in: authorize) == "idTagInfo.status")
        #expect(v16.nearestFieldPath(to: ["idtaginfo", "status"], in: authorize) == "idTagInfo.status")
        #expect(v16.nearestFieldPath(to: ["status"], in: authorize) == "idTagInfo.status")
        #expect(v16.nearestFieldPath(to: ["completely", "different"], in: authorize) == nil)
        let meterValues = try #require(v16.action(named: "MeterValues")).request
        #expect(v16.nearestFieldPath(to: ["sampledValue", "measurand"], in: meterValues)
            == "meterValue.sampledValue.measurand")
        #expect(v16.nearestFieldPath(to: ["conectorId"], in: meterValues) == "connectorId")
    }

    @Test("case-insensitivity: 1.6 CiStrings, 2.0.1 idToken only")
    func caseInsensitivity() throws {
        let authorize16 = try #require(v16.action(named: "Authorize")).request
        #expect(v16.fieldType(at: ["idTag"], in: authorize16) == .string(maxLength: 20, caseInsensitive: true))
        let boot16 = try #require(v16.action(named: "BootNotification")).request
        #expect(v16.fieldType(at: ["chargePointVendor"], in: boot16) == .string(maxLength: 20, caseInsensitive: true))
        let event16 = try #require(v16.action(named: "SecurityEventNotification")).request
        #expect(v16.fieldType(at: ["type"], in: event16) == .string(maxLength: 50, caseInsensitive: false),
                "the security white paper uses plain strings, not CiStrings")
        #expect(v16.fieldType(at: ["timestamp"], in: event16) == .dateTime)

        let authorize201 = try #require(v201.action(named: "Authorize")).request
        #expect(v201.fieldType(at: ["idToken", "idToken"], in: authorize201)
            == .string(maxLength: 36, caseInsensitive: true))
        guard case .enumeration? = v201.fieldType(at: ["idToken", "type"], in: authorize201) else {
            Issue.record("idToken.type is an enumeration, never case-insensitive")
            return
        }
        #expect(v201.fieldType(at: ["idToken", "additionalInfo", "additionalIdToken"], in: authorize201)
            == .string(maxLength: 36, caseInsensitive: false))
        let authorizeResponse = try #require(v201.action(named: "Authorize")).response
        #expect(v201.fieldType(at: ["idTokenInfo", "groupIdToken", "idToken"], in: authorizeResponse)
            == .string(maxLength: 36, caseInsensitive: true))
        let boot201 = try #require(v201.action(named: "BootNotification")).request
        #expect(v201.fieldType(at: ["chargingStation", "vendorName"], in: boot201)
            == .string(maxLength: 50, caseInsensitive: false))
    }

    @Test("only idToken members are case-insensitive in 2.0.1")
    func v201CaseInsensitiveEverywhere() {
        var insensitive: Set<String> = []
        for action in v201.actions {
            for schema in [action.request, action.response] {
                for path in v201.allPaths(in: schema) {
                    if case .string(_, true)? = v201.fieldType(at: path, in: schema) {
                        insensitive.insert(path.last ?? "")
                    }
                }
            }
        }
        #expect(insensitive == ["idToken"])
    }
}
