import OCPP
import Testing

/// Payload validation: valid examples pass, each violation has its code, path and message.
@Suite("Payload validation")
struct PayloadValidatorTests {
    private func request(_ action: String, _ version: OCPPVersion) -> ObjectSchema {
        guard let spec = OCPPCatalog.forVersion(version).action(named: action) else {
            Issue.record("no action \(action) in \(version.rawValue)")
            return ObjectSchema(fields: [])
        }
        return spec.request
    }

    private func violations(_ json: String, _ action: String, _ version: OCPPVersion) throws -> [PayloadViolation] {
        PayloadValidator.validate(try JSONValue(parsing: json), against: request(action, version), version: version)
    }

    static let meterValues16 = #"""
        {"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2024-05-01T12:00:00.123+02:00",
         "sampledValue":[{"value":"12.5","measurand":"Energy.Active.Import.Register","unit":"kWh"},{"value":"3"}]}]}
        """#
    static let transactionEvent201 = #"""
        {"eventType":"Started","timestamp":"2024-05-01T12:00:00Z","triggerReason":"Authorized","seqNo":0,
         "transactionInfo":{"transactionId":"tx-1"},"idToken":{"idToken":"ABC","type":"Central"},
         "evse":{"id":1,"connectorId":1},
         "meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":1.5}]}]}
        """#

    @Test("valid example payloads pass", arguments: [
        (OCPPVersion.v16, "BootNotification", #"{"chargePointVendor":"VendorX","chargePointModel":"SCC-1"}"#),
        (.v16, "Authorize", #"{"idTag":"04A2B3C4D5E6F7"}"#),
        (.v16, "StartTransaction", #"{"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2024-05-01T12:00:00Z"}"#),
        (.v16, "MeterValues", meterValues16),
        (.v16, "StatusNotification", #"{"connectorId":0,"errorCode":"NoError","status":"Available"}"#),
        (.v16, "DataTransfer", #"{"vendorId":"com.example","data":"{\"x\":1}"}"#),
        (.v16, "Heartbeat", "{}"),
        (.v201, "BootNotification", #"{"chargingStation":{"model":"X1","vendorName":"VendorX"},"reason":"PowerUp"}"#),
        (.v201, "Authorize", #"{"idToken":{"idToken":"04A2B3C4","type":"ISO14443"}}"#),
        (.v201, "TransactionEvent", transactionEvent201),
        (.v201, "DataTransfer", #"{"vendorId":"com.example","data":{"anything":[1,"two",null]}}"#),
        (.v201, "Heartbeat", #"{"customData":{"vendorId":"com.example","extra":{"free":"form"}}}"#),
    ])
    func validPayloads(version: OCPPVersion, action: String, json: String) throws {
        #expect(try violations(json, action, version) == [])
    }

    @Test("a string over its maximum length is a property constraint violation")
    func tooLong() throws {
        let found = try violations(#"{"idTag":"ABCDEFGHIJKLMNOPQRSTUVW"}"#, "Authorize", .v16)
        #expect(found == [PayloadViolation(path: "idTag", code: "PropertyConstraintViolation",
                                           message: "`idTag` is 23 characters; the maximum is 20")])
    }

    @Test("length counts characters, not bytes")
    func lengthInCharacters() throws {
        let twenty = String(repeating: "é", count: 19) + "👍🏽"
        #expect(try violations(JSONValue.object(JSONObject([(key: "idTag", value: .string(twenty))])).serialized,
                               "Authorize", .v16) == [])
    }

    @Test("a missing required member is an occurrence violation, spelt per version")
    func missingRequired() throws {
        let v16 = try violations("{}", "Authorize", .v16)
        #expect(v16 == [PayloadViolation(path: "idTag", code: "OccurenceConstraintViolation",
                                         message: "`idTag` is required but missing")])
        let v201 = try violations(#"{"idToken":{"type":"Central"}}"#, "Authorize", .v201)
        #expect(v201 == [PayloadViolation(path: "idToken.idToken", code: "OccurrenceConstraintViolation",
                                          message: "`idToken.idToken` is required but missing")])
    }

    @Test("a value of the wrong type is a type constraint violation")
    func wrongType() throws {
        let found = try violations(#"{"connectorId":"1","errorCode":"NoError","status":"Available"}"#,
                                   "StatusNotification", .v16)
        #expect(found == [PayloadViolation(path: "connectorId", code: "TypeConstraintViolation",
                                           message: "`connectorId` must be an integer, not a string")])
        let start = #"{"idTag":"A","connectorId":1,"meterStart":0,"timestamp":"2024-01-01T00:00:00Z","#
        let null = try violations(start + #""reservationId":null}"#, "StartTransaction", .v16)
        #expect(null.map(\.code) == ["TypeConstraintViolation"])
        #expect(null.first?.message == "`reservationId` must be an integer, not null")
    }

    @Test("integers may be written with a zero fraction but not with a real one")
    func integers() throws {
        func status(_ connectorId: String) -> String {
            #"{"connectorId":"# + connectorId + #","errorCode":"NoError","status":"Available"}"#
        }
        #expect(try violations(status("1.0"), "StatusNotification", .v16) == [])
        #expect(try violations(status("1e0"), "StatusNotification", .v16) == [])
        let fraction = try violations(status("1.5"), "StatusNotification", .v16)
        #expect(fraction.first?.message == "`connectorId` must be an integer, not 1.5")
        #expect(fraction.first?.code == "TypeConstraintViolation")
    }

    @Test("a value outside the enumeration is a property constraint violation")
    func badEnumeration() throws {
        let found = try violations(#"{"connectorId":1,"errorCode":"NoError","status":"available"}"#,
                                   "StatusNotification", .v16)
        #expect(found.count == 1)
        #expect(found.first?.path == "status")
        #expect(found.first?.code == "PropertyConstraintViolation")
        #expect(found.first?.message.hasPrefix("`status` is \"available\", not one of Available, Preparing") == true)
    }

    @Test("unknown members are property constraint violations where the schema is closed")
    func unknownMembers() throws {
        let top = try violations(#"{"idTag":"A","foo":1}"#, "Authorize", .v16)
        #expect(top == [PayloadViolation(path: "foo", code: "PropertyConstraintViolation",
                                         message: "`foo` is not a member of the payload")])
        let payload = #"""
            {"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1","bar":2}]}]}
            """#
        let nested = try violations(payload, "MeterValues", .v16)
        #expect(nested.map(\.path) == ["meterValue[0].sampledValue[0].bar"])
        #expect(nested.first?.message
            == "`meterValue[0].sampledValue[0].bar` is not a member of `meterValue[0].sampledValue[0]`")
    }

    @Test("array item counts are occurrence violations")
    func arrayBounds() throws {
        let empty = try violations(#"{"connectorId":1,"meterValue":[]}"#, "MeterValues", .v16)
        #expect(empty == [PayloadViolation(path: "meterValue", code: "OccurenceConstraintViolation",
                                           message: "`meterValue` has 0 items; the minimum is 1")])
        let hash = #"""
            {"hashAlgorithm":"SHA256","issuerNameHash":"a","issuerKeyHash":"b","serialNumber":"c","responderURL":"u"}
            """#
        let five = "[" + Array(repeating: hash, count: 5).joined(separator: ",") + "]"
        let authorize = #"{"idToken":{"idToken":"A","type":"Central"},"iso15118CertificateHashData":"# + five + "}"
        let tooMany = try violations(authorize, "Authorize", .v201)
        #expect(tooMany == [PayloadViolation(
            path: "iso15118CertificateHashData", code: "OccurrenceConstraintViolation",
            message: "`iso15118CertificateHashData` has 5 items; the maximum is 4")])
    }

    @Test("date-times must have the rfc 3339 shape", arguments: [
        ("2024-05-01T12:00:00Z", true),
        ("2024-05-01t12:00:00z", true),
        ("2024-05-01T12:00:00.5+02:00", true),
        ("2024-05-01T23:59:60.123456-11:30", true),
        ("2024-02-29T00:00:00Z", true),
        ("2023-02-29T00:00:00Z", false),
        ("2024-05-01T12:00:00", false),
        ("2024-05-01 12:00:00Z", false),
        ("2024-13-01T12:00:00Z", false),
        ("2024-05-01T24:00:00Z", false),
        ("2024-05-01T12:00:00.Z", false),
        ("2024-05-01T12:00:00+0200", false),
        ("2024-5-1T12:00:00Z", false),
        ("yesterday", false),
        ("", false),
    ])
    func dateTimes(text: String, valid: Bool) throws {
        let payload: JSONValue = ["currentTime": .string(text)]
        guard let schema = OCPPCatalog.v16.action(named: "Heartbeat")?.response else { return }
        let found = PayloadValidator.validate(payload, against: schema, version: .v16)
        #expect(found.isEmpty == valid)
        if !valid {
            #expect(found.first?.code == "TypeConstraintViolation")
            #expect(found.first?.path == "currentTime")
        }
    }

    @Test("a payload that is not an object is a formation / format violation")
    func notAnObject() {
        let schema = OCPPCatalog.v16.action(named: "Heartbeat")!.request
        #expect(PayloadValidator.validate([1], against: schema, version: .v16)
            == [PayloadViolation(path: "", code: "FormationViolation",
                                 message: "the payload must be a json object, not an array")])
        #expect(PayloadValidator.validate(.null, against: schema, version: .v201).map(\.code) == ["FormatViolation"])
    }

    @Test("a member given twice is a format violation")
    func duplicateMember() throws {
        let found = try violations(#"{"idTag":"A","idTag":"B"}"#, "Authorize", .v16)
        #expect(found == [PayloadViolation(path: "idTag", code: "FormationViolation",
                                           message: "`idTag` appears more than once")])
    }

    @Test("several violations are all reported, missing members last")
    func severalViolations() throws {
        let found = try violations(#"{"connectorId":"x","status":"Nope","extra":true}"#, "StatusNotification", .v16)
        #expect(found.map(\.path) == ["connectorId", "status", "extra", "errorCode"])
        #expect(found.map(\.code) == ["TypeConstraintViolation", "PropertyConstraintViolation",
                                      "PropertyConstraintViolation", "OccurenceConstraintViolation"])
    }

    @Test("the catalog's validate uses its own version's codes")
    func catalogValidate() {
        let catalog = OCPPCatalog.v201
        let found = catalog.validate(["customData": 1], against: catalog.action(named: "Heartbeat")!.request)
        #expect(found == [PayloadViolation(path: "customData", code: "TypeConstraintViolation",
                                           message: "`customData` must be an object, not a number")])
        #expect(catalog.validate([:], against: catalog.action(named: "Authorize")!.request).map(\.code)
            == ["OccurrenceConstraintViolation"])
    }
}
