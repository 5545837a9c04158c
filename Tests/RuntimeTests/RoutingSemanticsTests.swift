import OCPP
import Runtime
import Testing

@Suite("routing semantics")
struct RoutingSemanticsTests {
    static let start: JSONValue = ["connectorId": 1, "idTag": "FLEET-1", "meterStart": 0, "timestamp": "2026-01-01T00:00:00Z"]

    @Test("targets of every matching rule are joined")
    func targetsJoin() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            route StartTransaction to billing
            route StartTransaction to ems
            route StartTransaction to audit when connectorId == 2
            """)
        #expect(harness.names(harness.route("StartTransaction", Self.start).targets) == ["billing", "ems"])
        var second = Self.start
        if case .object(var object) = second { object["connectorId"] = 2; second = .object(object) }
        #expect(harness.names(harness.route("StartTransaction", second).targets) == ["billing", "ems", "audit"])
    }

    @Test("`all` means every backend of the policy")
    func allMeansEveryBackend() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            backends billing, ems, fleet
            route BootNotification to all
            route Authorize to billing
            allow ems Reset
            """)
        let boot: JSONValue = ["chargePointModel": "M", "chargePointVendor": "V"]
        #expect(harness.names(harness.route("BootNotification", boot).targets) == ["billing", "ems", "fleet"])
    }

    @Test("responder order: answered by, then owner, then primary, then gateway, then first in file order")
    func responderOrder() throws {
        let policy = """
            policy "t" for ocpp 1.6
            primary billing
            owner fleet when idTag matches "FLEET-*"
            route StartTransaction to ems, billing, owner
            route DataTransfer to ems, billing answered by ems
            route StatusNotification to ems, gateway
            route Heartbeat to gateway, ems
            route MeterValues to ems, fleet
            """
        let harness = try PolicyHarness(policy)
        // owner beats primary
        #expect(harness.responder(harness.route("StartTransaction", Self.start)) == "fleet")
        // no owner (idTag no rule matches): primary answers
        let visitor: JSONValue = ["connectorId": 1, "idTag": "V-1", "meterStart": 0, "timestamp": "2026-01-01T00:00:00Z"]
        #expect(harness.responder(harness.route("StartTransaction", visitor)) == "billing")
        // answered by beats primary
        #expect(harness.responder(harness.route("DataTransfer", ["vendorId": "x"])) == "ems")
        // gateway beats first-in-file-order when primary is not a target
        let status: JSONValue = ["connectorId": 1, "errorCode": "NoError", "status": "Available"]
        #expect(harness.responder(harness.route("StatusNotification", status)) == "gateway")
        #expect(harness.route("StatusNotification", status).outcome == .gatewayAnswers(.empty))
        #expect(harness.names(harness.route("StatusNotification", status).targets) == ["ems"])
        // first target in file order
        let meter: JSONValue = ["connectorId": 1, "meterValue": []]
        #expect(harness.responder(harness.route("MeterValues", meter)) == "ems")
    }

    @Test("`owner` adds no target without an owner; the gateway answers where it can")
    func ownerWithoutOwner() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            owner fleet when idTag matches "FLEET-*"
            route Authorize, MeterValues to owner
            """)
        let authorize = harness.route("Authorize", ["idTag": "VISITOR"])
        #expect(authorize.targets.isEmpty)
        #expect(authorize.outcome == .reject(errorCode: "NotSupported",
                                             reason: "policy `t` leaves `Authorize` without a backend to answer it"))
        let meter = harness.route("MeterValues", ["connectorId": 1, "meterValue": []])
        #expect(meter.targets.isEmpty)
        #expect(meter.outcome == .gatewayAnswers(.empty))
        #expect(harness.names(harness.route("Authorize", ["idTag": "FLEET-9"]).targets) == ["fleet"])
    }

    @Test("a call no rule routes is NotSupported; an unknown action is NotImplemented")
    func unrouted() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            route Heartbeat to gateway
            """)
        guard case .reject(let code, _) = harness.route("Authorize", ["idTag": "A"]).outcome else {
            Issue.record("Authorize should be rejected")
            return
        }
        #expect(code == "NotSupported")
        guard case .reject(let unknown, _) = harness.route("FlyToTheMoon", [:]).outcome else {
            Issue.record("an unknown action should be rejected")
            return
        }
        #expect(unknown == "NotImplemented")
        #expect(harness.route("Heartbeat", [:]).outcome == .gatewayAnswers(.heartbeat))
    }

    @Test("`when` on a payload field, with arrays matching when any element matches")
    func payloadConditions() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            route MeterValues to ems when meterValue.sampledValue.measurand == "SoC"
            route MeterValues to billing
            """)
        let withSoC: JSONValue = ["connectorId": 1, "meterValue": [
            ["timestamp": "2026-01-01T00:00:00Z", "sampledValue": [["value": "10"], ["value": "55", "measurand": "SoC"]]],
        ]]
        let withoutSoC: JSONValue = ["connectorId": 1, "meterValue": [
            ["timestamp": "2026-01-01T00:00:00Z", "sampledValue": [["value": "10", "measurand": "Voltage"]]],
        ]]
        #expect(harness.names(harness.route("MeterValues", withSoC).targets) == ["ems", "billing"])
        #expect(harness.names(harness.route("MeterValues", withoutSoC).targets) == ["billing"])
    }

    @Test("comparisons: numbers, not, or, and, in-lists, and absent fields never match")
    func comparisons() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            route StartTransaction to a when connectorId >= 2 and not (meterStart > 1000)
            route StartTransaction to b when connectorId in [1, 3] or reservationId == 7
            route StartTransaction to c when reservationId != 7
            """)
        func payload(connector: Int, meter: Int, reservation: Int?) -> JSONValue {
            var object = JSONObject([("connectorId", .integer(connector)), ("idTag", "X"), ("meterStart", .integer(meter)),
                                     ("timestamp", "2026-01-01T00:00:00Z")])
            if let reservation { object["reservationId"] = .integer(reservation) }
            return .object(object)
        }
        #expect(harness.names(harness.route("StartTransaction", payload(connector: 2, meter: 5, reservation: nil)).targets) == ["a"])
        #expect(harness.names(harness.route("StartTransaction", payload(connector: 2, meter: 5000, reservation: 7)).targets) == ["b"])
        #expect(harness.names(harness.route("StartTransaction", payload(connector: 3, meter: 0, reservation: 8)).targets) == ["a", "b", "c"])
    }

    @Test("`now` bounds a rule in time")
    func timeWindow() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            route StartTransaction to newbill
            route StartTransaction to oldbill when now < "2027-01-31T00:00:00Z"
            """)
        let before = 1_790_000_000.0  // 2026-09
        let after = 1_800_000_000.0   // 2027-01-15
        let afterEnd = 1_802_000_000.0 // 2027-02-07
        #expect(harness.names(harness.route("StartTransaction", Self.start, now: before).targets) == ["newbill", "oldbill"])
        #expect(harness.names(harness.route("StartTransaction", Self.start, now: after).targets) == ["newbill", "oldbill"])
        #expect(harness.names(harness.route("StartTransaction", Self.start, now: afterEnd).targets) == ["newbill"])
    }

    @Test("charge-point patterns select rules")
    func chargePointPatterns() throws {
        let harness = try PolicyHarness("""
            policy "t" for ocpp 1.6
            route Heartbeat to gateway
            route Heartbeat to depot when chargePoint matches "DEPOT-*" and chargePoint != "DEPOT-9"
            """)
        #expect(harness.names(harness.route("Heartbeat", [:], from: "DEPOT-1").targets) == ["depot"])
        #expect(harness.route("Heartbeat", [:], from: "DEPOT-9").targets.isEmpty)
        #expect(harness.route("Heartbeat", [:], from: "CP-1").targets.isEmpty)
    }
}
