import Gateway
import OCPP
import Testing

/// One day at Linking World: the example policy, driven through a session end to end.
@Suite("session: linking-world story")
struct LinkingWorldStoryTests {
    /// `Examples/linking-world/site.policy`, line for line, so rule locations match the file's lines.
    static let policy = """
        # Linking World GmbH: one charging park shared by fleet cars, employees, visitors and the EMS.
        policy "linking-world" for ocpp 1.6

        list employees from file "employees.txt"     # one idTag per line, '#' comments; path relative to this file
        list vips = ["VIP-0001", "VIP-0002"]

        primary billing                              # answers charge-point calls that nothing else answers

        # Who owns which user: first match wins.
        owner fleet    when idTag matches "FLEET-*"
        owner billing  when idTag in employees or idTag in vips
        owner visitors otherwise

        # Where charge-point calls go: every matching rule adds its targets.
        route BootNotification, StatusNotification to all
        route Heartbeat to gateway                   # answered by the gateway itself, no backend sees it
        route Authorize, StartTransaction, StopTransaction, MeterValues to owner
        route StartTransaction, StopTransaction, MeterValues to ems
        route DataTransfer to fleet when vendorId == "com.fleetco" answered by fleet

        # What each backend may send to charge points: default deny, deny overrides allow.
        allow ems      SetChargingProfile, ClearChargingProfile, GetCompositeSchedule
        allow billing  RemoteStartTransaction, RemoteStopTransaction, SendLocalList, GetLocalListVersion, Reset
        allow fleet    RemoteStartTransaction, RemoteStopTransaction when chargePoint matches "CP-FLEET-*"
        allow all      GetConfiguration, TriggerMessage
        deny  ems      RemoteStopTransaction, Reset, ChangeConfiguration

        # What each backend may see.
        redact idTag for ems as owner                # ems sees "fleet" / "billing" / "visitors": it can prioritise, not identify
        redact chargeBoxSerialNumber, iccid, imsi in BootNotification for ems, visitors as drop
        """
    static let lists = ["employees.txt": "# staff\n04A2B3C4D5E6F7\nEMP-00017\nEMP-00042\n"]

    func harness() throws -> SessionHarness {
        try SessionHarness(Self.policy, lists: Self.lists, chargePoint: "CP-FLEET-3")
    }

    /// Every backend name's single frame in `effects`.
    func single(_ effects: Effects, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> OCPPFrame {
        let frames = effects.to(name)
        #expect(frames.count == 1, "\(name): \(frames)", sourceLocation: sourceLocation)
        return try #require(frames.first, sourceLocation: sourceLocation)
    }

    /// Boots with every backend accepting; ems and visitors do not see the hardware ids.
    func boot(_ h: SessionHarness) throws {
        let payload: JSONValue = ["chargePointVendor": "Alfen", "chargePointModel": "Eve Double", "chargeBoxSerialNumber": "SN-77",
                                  "iccid": "8949020000", "imsi": "26201123"]
        let boot = h.cp(.call(id: "b1", action: "BootNotification", payload: payload))
        #expect(boot.backendsReached == ["billing", "fleet", "visitors", "ems"])
        let stripped: JSONValue = ["chargePointVendor": "Alfen", "chargePointModel": "Eve Double"]
        #expect(try single(boot, "ems").payload == stripped)
        #expect(try single(boot, "visitors").payload == stripped)
        #expect(try single(boot, "fleet").payload == payload)
        #expect(boot.records.first?.responder == "billing")
        for name in ["fleet", "visitors", "ems", "billing"] {
            let id = try single(boot, name).messageId
            let answer = h.backend(name, .callResult(id: id, payload: Payloads.bootAnswer("Accepted")))
            #expect(answer.toChargePoint == (name == "billing" ? [.callResult(id: "b1", payload: Payloads.bootAnswer("Accepted"))] : []))
        }
    }

    @Test("fleet car: start, meter, stop; fleet answers, ems gets copies with its own ids and idTag `fleet`")
    func fleetCar() throws {
        let h = try harness()
        try boot(h)
        let heartbeat = h.cp(.call(id: "h1", action: "Heartbeat", payload: [:]))
        #expect(heartbeat.backendsReached.isEmpty)
        #expect(heartbeat.toChargePoint == [.callResult(id: "h1", payload: ["currentTime": "2027-01-15T08:00:00Z"])])

        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-0007")))
        #expect(start.backendsReached == ["fleet", "ems"])
        #expect(try single(start, "fleet").payload == Payloads.start("FLEET-0007"))
        #expect(try single(start, "ems").payload == Payloads.start("fleet"))
        #expect(start.records.first?.responder == "fleet")
        #expect(start.records.first?.rule == "test.policy:17")
        h.backend("ems", .callResult(id: try single(start, "ems").messageId, payload: Payloads.accepted(5001)))
        let started = h.backend("fleet", .callResult(id: try single(start, "fleet").messageId, payload: Payloads.accepted(101)))
        #expect(started.toChargePoint == [.callResult(id: "s1", payload: Payloads.accepted(101))])

        let meter = h.cp(.call(id: "m1", action: "MeterValues", payload: Payloads.meter(101)))
        #expect(try single(meter, "fleet").payload == Payloads.meter(101))
        #expect(try single(meter, "ems").payload == Payloads.meter(5001))
        let metered = h.backend("fleet", .callResult(id: try single(meter, "fleet").messageId, payload: [:]))
        #expect(metered.toChargePoint == [.callResult(id: "m1", payload: [:])])

        // the stop carries no idTag: the transaction's owner still gets and answers it
        let stop = h.cp(.call(id: "t1", action: "StopTransaction", payload: Payloads.stop(101)))
        #expect(try single(stop, "fleet").payload == Payloads.stop(101))
        #expect(try single(stop, "ems").payload == Payloads.stop(5001))
        #expect(stop.records.first?.responder == "fleet")
        let emsStop = h.backend("ems", .callResult(id: try single(stop, "ems").messageId, payload: [:]))
        #expect(emsStop.toChargePoint.isEmpty)
        let stopped = h.backend("fleet", .callResult(id: try single(stop, "fleet").messageId, payload: [:]))
        #expect(stopped.toChargePoint == [.callResult(id: "t1", payload: [:])])
    }

    @Test("employee and visitor: each user's owner answers, ems sees only the owner's name")
    func employeeAndVisitor() throws {
        let h = try harness()
        try boot(h)
        let employee = h.cp(.call(id: "a1", action: "Authorize", payload: ["idTag": "emp-00042"]))
        #expect(employee.backendsReached == ["billing"])
        #expect(employee.records.first?.owner == "billing")
        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("emp-00042", connector: 2)))
        #expect(start.backendsReached == ["billing", "ems"])
        #expect(try single(start, "ems").payload == Payloads.start("billing", connector: 2))

        let visitor = h.cp(.call(id: "a2", action: "Authorize", payload: ["idTag": "GUEST-1"]))
        #expect(visitor.backendsReached == ["visitors"])
        let answer = h.backend("visitors", .callResult(id: try single(visitor, "visitors").messageId,
                                                       payload: ["idTagInfo": ["status": "Accepted"]]))
        #expect(answer.toChargePoint == [.callResult(id: "a2", payload: ["idTagInfo": ["status": "Accepted"]])])
    }

    @Test("EMS: SetChargingProfile allowed with its own tx id, RemoteStop denied with the rule; two backends' calls one at a time")
    func emsAndQueue() throws {
        let h = try harness()
        try boot(h)
        let start = h.cp(.call(id: "s1", action: "StartTransaction", payload: Payloads.start("FLEET-0007")))
        h.backend("fleet", .callResult(id: try single(start, "fleet").messageId, payload: Payloads.accepted(101)))
        h.backend("ems", .callResult(id: try single(start, "ems").messageId, payload: Payloads.accepted(5001)))

        let profile: (Int) -> JSONValue = { id in
            ["connectorId": 1, "csChargingProfiles": ["chargingProfileId": 3, "transactionId": .integer(id), "stackLevel": 1,
                                                       "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
                                                       "chargingSchedule": ["chargingRateUnit": "W",
                                                                            "chargingSchedulePeriod": [["startPeriod": 0, "limit": 7400]]]]]
        }
        let set = h.backend("ems", .call(id: "ems-1", action: "SetChargingProfile", payload: profile(5001)))
        #expect(set.records.first?.verdict == .allowed)
        #expect(set.records.first?.rule == "test.policy:22")
        let sent = try #require(set.toChargePoint.first)
        #expect(set.toChargePoint.count == 1)
        #expect(sent.payload == profile(101))

        let denied = h.backend("ems", .call(id: "ems-2", action: "RemoteStopTransaction", payload: ["transactionId": 5001]))
        #expect(denied.toChargePoint.isEmpty)
        #expect(denied.to("ems") == [.callError(id: "ems-2", code: "SecurityError",
                                                description: "denied by policy linking-world: test.policy:26", details: [:])])

        // fleet's RemoteStop waits while the EMS call is outstanding
        let fleetStop = h.backend("fleet", .call(id: "1", action: "RemoteStopTransaction", payload: ["transactionId": 101]))
        #expect(fleetStop.records.first?.verdict == .allowed)
        #expect(fleetStop.toChargePoint.isEmpty)
        let answered = h.cp(.callResult(id: sent.messageId, payload: ["status": "Accepted"]))
        #expect(answered.to("ems") == [.callResult(id: "ems-1", payload: ["status": "Accepted"])])
        #expect(answered.to("fleet").isEmpty)
        let next = try #require(answered.toChargePoint.first)
        #expect(answered.toChargePoint.count == 1)
        guard case .call(let gatewayId, "RemoteStopTransaction", ["transactionId": 101]) = next else {
            Issue.record("not fleet's RemoteStop: \(next)")
            return
        }
        #expect(gatewayId != "1")
        let done = h.cp(.callResult(id: gatewayId, payload: ["status": "Accepted"]))
        #expect(done.to("fleet") == [.callResult(id: "1", payload: ["status": "Accepted"])])
        #expect(done.to("ems").isEmpty)
    }
}
