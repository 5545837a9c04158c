import Foundation
import Gateway
import NIOHTTP1
import OCPP
import Runtime
import Testing

/// Bullet 14: every decision is one structured log line; no password or raw idTag is ever logged.
@Suite("end to end: decision log", .timeLimit(.minutes(1)))
struct DecisionLogTests {
    static let idTag = "FLEET-SECRET-42"
    static let backendPassword = "billing-secret-0123456789"
    static let wrongPassword = "wrong-secret-password-77"
    static let longIdTag = "FLEET-TOO-LONG-SECRET-IDTAG-99"

    /// The `key=value` fields of a decision line (values may be double-quoted with `\` escapes).
    static func fields(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(line)
        guard let start = rest.range(of: "decision ") else { return [:] }
        rest = rest[start.upperBound...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            fields[key] = value
        }
        return fields
    }

    /// The decision lines' fields.
    static func decisions(_ logs: LogCapture) -> [[String: String]] {
        logs.all.filter { $0.contains(" decision cp=") }.map(fields)
    }

    @Test("each decision is one line with its fields; nothing secret is logged")
    func decisionLines() async throws {
        let logs = LogCapture()
        let harness = GatewayHarness(logs: logs)
        try await harness.start(policy: E2EPolicy.standard, backends: E2EPolicy.backends,
                                options: ["billing": .init(password: Self.backendPassword)])
        let chargePoint = try await harness.bootedChargePoint(backends: E2EPolicy.backends)
        let hash = harness.server.context.policies.current.policy.sourceHash
        let start = try await chargePoint.call("StartTransaction", E2EPolicy.start(Self.idTag), messageId: "start-1")
        #expect(start.resultPayload?["transactionId"] == 2000, "\(start)")
        let denied = try await harness.backend("ems").call("Reset", payload: ["type": "Hard"], to: "CP-1")
        #expect(denied.errorCode == "SecurityError", "\(denied)")
        let allowed = try await harness.backend("billing").call("RemoteStartTransaction", payload: ["idTag": .string(Self.idTag)], to: "CP-1")
        #expect(allowed.resultPayload?["status"] == "Accepted", "\(allowed)")
        _ = try await chargePoint.call("Authorize", ["idTag": .string(Self.idTag)], messageId: "auth-1")
        chargePoint.send(raw: "not json at all")
        // A refused attempt with a wrong password, and an idTag too long for the schema.
        let intruder = try await TestWebSocketClient.connect(port: harness.port, path: "/ocpp/CP-1",
                                                             authorization: TransportFixtures.basic("CP-1", Self.wrongPassword))
        let refusal = try await intruder.refusal()
        #expect(refusal.head.status == .unauthorized)
        let tooLong = try await chargePoint.call("Authorize", ["idTag": .string(Self.longIdTag)], messageId: "auth-2")
        #expect(tooLong.errorCode == "PropertyConstraintViolation" || tooLong.errorCode == "TypeConstraintViolation", "\(tooLong)")
        try await waitUntil("six decisions after the boot") { Self.decisions(logs).count >= 7 }

        let decisions = Self.decisions(logs)
        let policyFile = harness.policyPath.path
        let startLine = try #require(decisions.first { $0["action"] == "StartTransaction" })
        #expect(startLine["cp"] == "CP-1")
        #expect(startLine["dir"] == "cp->backends")
        #expect(startLine["from"] == "charge-point")
        #expect(startLine["id"] == "start-1")
        #expect(startLine["verdict"] == "forward")
        #expect(startLine["targets"] == "fleet,ems")
        #expect(startLine["responder"] == "fleet")
        #expect(startLine["rule"] == "\(policyFile):\(E2EPolicy.Line.routeToOwner)")
        #expect(startLine["owner"] == "fleet")
        #expect(startLine["redacted"] == "ems:idTag")
        #expect(startLine["user"] != nil)
        #expect(startLine["policy"] == hash)

        let deniedLine = try #require(decisions.first { $0["action"] == "Reset" })
        #expect(deniedLine["dir"] == "backend->cp")
        #expect(deniedLine["from"] == "ems")
        #expect(deniedLine["id"] == "ems-1")
        #expect(deniedLine["verdict"] == "deny")
        #expect(deniedLine["rule"] == "\(policyFile):\(E2EPolicy.Line.denyEmsReset)")
        #expect(deniedLine["policy"] == hash)

        let allowedLine = try #require(decisions.first { $0["action"] == "RemoteStartTransaction" })
        #expect(allowedLine["verdict"] == "allow")
        #expect(allowedLine["from"] == "billing")
        #expect(allowedLine["id"] == "billing-1")
        #expect(allowedLine["targets"] == "charge-point")
        #expect(allowedLine["rule"]?.hasPrefix("\(policyFile):") == true)
        #expect(allowedLine["user"] != nil)

        let badLine = try #require(decisions.first { $0["action"] == "?" })
        #expect(badLine["verdict"] == "reject:FormationViolation")
        #expect(badLine["id"] == "-1")

        // The boot and the Authorize too: one line per call.
        #expect(decisions.filter { $0["action"] == "BootNotification" }.count == 1)
        #expect(decisions.filter { $0["action"] == "Authorize" }.map { $0["id"] } == ["auth-1", "auth-2"])

        // No secret in any line: passwords, the hash key, the idTag in clear.
        await chargePoint.stop()
        await harness.stop()
        let secrets = [GatewayHarness.chargePointPassword, Self.backendPassword, Self.wrongPassword, "e2e-hash-key-0123456789",
                       Self.idTag, Self.longIdTag, String(Self.longIdTag.prefix(20))]
        for line in logs.all {
            for secret in secrets { #expect(!line.contains(secret), "\(line)") }
        }
        #expect(logs.all.count > 10)
    }
}
