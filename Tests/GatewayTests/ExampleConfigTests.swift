import Foundation
import Gateway
import Testing

@Suite("the linking-world example")
struct ExampleConfigTests {
    /// `Examples/linking-world/gateway.yaml` in this package.
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/linking-world/gateway.yaml").path

    static let environment = [
        "BILLING_KEY": "billing-key", "FLEET_KEY": "fleet-key", "EMS_KEY": "ems-key",
        "VISITORS_KEY": "visitors-key", "CHARGEMUX_HASH_KEY": "demo-hash-key-0123456789",
    ]

    /// The example parsed in a temporary folder that also holds a stand-in `site.policy`.
    func loadExample() throws -> GatewayConfig {
        let directory = TemporaryDirectory(files: ["site.policy"])
        let yaml = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        return try GatewayConfig.parse(yaml: yaml, file: "gateway.yaml", baseDirectory: directory.path,
                                       environment: Self.environment)
    }

    @Test func loadsWithItsValues() throws {
        let config = try loadExample()
        #expect(config.backendNames == ["billing", "fleet", "ems", "visitors"])
        #expect(config.backends.map(\.url.absoluteString) == (9001...9004).map { "ws://127.0.0.1:\($0)/ocpp" })
        #expect(config.backends.allSatisfy { $0.ocppVersion == .v16 && $0.securityProfile == .basicAuth })
        #expect(config.backends.map { $0.password?.reveal() } == ["billing-key", "fleet-key", "ems-key", "visitors-key"])
        let listener = try #require(config.listeners.first)
        #expect(config.listeners.count == 1)
        #expect(listener.address.description == "127.0.0.1:8180")
        #expect(listener.securityProfile == .basicAuth)
        #expect(config.policyPath.hasSuffix("/site.policy"))
        #expect(config.redaction.hashKey?.source == .environment("CHARGEMUX_HASH_KEY"))
    }

    @Test func chargePointHashIsTheDemoKey() throws {
        let config = try loadExample()
        let entry = try #require(config.credential(for: "CP-0001"))
        #expect(entry.id == "CP-*")
        guard case .passwordSha256(let hash) = entry.credential else {
            Issue.record("expected passwordSha256")
            return
        }
        // printf %s linkingworld-demo-key | sha256sum
        #expect(hash.reveal() == "30d608d721c4be3af927f077f3956b3c857f7ba421323c3b40770ce0e002fe91")
    }

    @Test func needsItsEnvironmentVariables() throws {
        let yaml = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let found = diagnostics(yaml, in: TemporaryDirectory(files: ["site.policy"]), environment: [:])
        #expect(found.map(\.code) == Array(repeating: .missingEnvironmentVariable, count: 5))
    }
}
