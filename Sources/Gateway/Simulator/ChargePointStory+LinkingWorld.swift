import OCPP

/// The stories themselves. `linking-world` mirrors `Interop/chargepoint.py`, so the Swift
/// simulator and the Python interoperability suite tell the same story.
extension ChargePointStory {
    /// One charging session of the Linking World story.
    public struct Session: Sendable {
        public var name: String
        public var idTag: String
        public var meterStart: Int
        /// A meter reading sent mid-session, if any.
        public var meter: Int?
        public var meterStop: Int
        /// Whether StopTransaction carries the idTag.
        public var stopWithIdTag: Bool
    }

    /// The charge point's BootNotification, with the fields ems and visitors must not see.
    public static let linkingWorldBoot: JSONValue = [
        "chargePointVendor": "SimVendor", "chargePointModel": "SimCP-1",
        "chargeBoxSerialNumber": "SN-SIM-0001", "firmwareVersion": "1.0.0",
        "iccid": "89490200001234567890", "imsi": "262011234567890",
    ]

    /// Fleet car, employee, visitor; told apart by their meter readings, as in the Python suite.
    public static let linkingWorldSessions: [Session] = [
        Session(name: "fleet", idTag: "FLEET-0042", meterStart: 10000, meter: 10250, meterStop: 10500, stopWithIdTag: false),
        Session(name: "employee", idTag: "04A2B3C4D5E6F7", meterStart: 20000, meter: 20350, meterStop: 20700, stopWithIdTag: true),
        Session(name: "visitor", idTag: "VISITOR-1", meterStart: 30000, meter: nil, meterStop: 30300, stopWithIdTag: false),
    ]

    /// `2026-03-01T08:MM:00Z`.
    static func timestamp(minute: Int) -> JSONValue {
        let padded = minute < 10 ? "0\(minute)" : "\(minute)"
        return .string("2026-03-01T08:\(padded):00Z")
    }

    /// Boot, status and heartbeat, then the fleet car, the employee and the visitor charge.
    public static let linkingWorld: ChargePointStory = {
        var steps = [
            Step("boot", "BootNotification", linkingWorldBoot),
            Step("status.available", "StatusNotification",
                 ["connectorId": 1, "errorCode": "NoError", "status": "Available", "timestamp": timestamp(minute: 0)]),
            Step("heartbeat", "Heartbeat", [:]),
        ]
        var minute = 1
        for session in linkingWorldSessions {
            steps += sessionSteps(session, minute: minute)
            minute += 3
        }
        return ChargePointStory(name: "linking-world", steps: steps)
    }()

    static func sessionSteps(_ session: Session, minute: Int) -> [Step] {
        let name = session.name
        var steps = [
            Step("\(name).authorize", "Authorize", ["idTag": .string(session.idTag)]),
            Step("\(name).start", "StartTransaction", [
                "connectorId": 1, "idTag": .string(session.idTag), "meterStart": .integer(session.meterStart),
                "timestamp": timestamp(minute: minute),
            ]),
        ]
        steps[1].remembersTransactionOf = name
        if let meter = session.meter {
            steps.append(Step("\(name).meter", "MeterValues") { memory in
                [
                    "connectorId": 1, "transactionId": .integer(memory.transactionId(name)),
                    "meterValue": [[
                        "timestamp": timestamp(minute: minute + 1),
                        "sampledValue": [["value": .string(String(meter)), "measurand": "Energy.Active.Import.Register", "unit": "Wh"]],
                    ]],
                ]
            })
        }
        if name == "fleet" {
            steps.append(Step("fleet.datatransfer", "DataTransfer",
                              ["vendorId": "com.fleetco", "messageId": "vehicle", "data": "soc=80"]))
        }
        steps.append(Step("\(name).stop", "StopTransaction") { memory in
            var payload: JSONValue = [
                "meterStop": .integer(session.meterStop), "timestamp": timestamp(minute: minute + 2),
                "transactionId": .integer(memory.transactionId(name)), "reason": "Local",
            ]
            if session.stopWithIdTag, case .object(var object) = payload {
                object["idTag"] = .string(session.idTag)
                payload = .object(object)
            }
            return payload
        })
        return steps
    }

    /// Just the boot: BootNotification and an Available StatusNotification. Any central system
    /// can answer it, so it checks a connection end to end.
    public static let bootOnly = ChargePointStory(name: "boot-only", steps: [
        Step("boot", "BootNotification", ["chargePointVendor": "SimVendor", "chargePointModel": "SimCP-1"]),
        Step("status.available", "StatusNotification",
             ["connectorId": 1, "errorCode": "NoError", "status": "Available", "timestamp": timestamp(minute: 0)]),
    ])
}
