import Foundation
import Gateway
import Testing

@Suite("defaults")
struct DefaultsTests {
    static let minimal = """
        listen:
          - address: 127.0.0.1:8180
        policy: site.policy
        chargePoints:
          - { id: CP1, password: "0123456789abcdef" }
        backends:
          - name: billing
            url: ws://127.0.0.1:9001/ocpp
        """

    @Test("`store: none` names no store")
    func storeNone() throws {
        let directory = TemporaryDirectory()
        let text = Self.minimal.replacingOccurrences(of: "policy: site.policy", with: "policy: site.policy\nstore: none")
        let config = try #require(parseValid(text, in: directory))
        #expect(config.store == .memoryOnly)
        #expect(config.store.description == "none")
        #expect(throws: StoreError.self) { _ = try GatewayStores.open(.memoryOnly) }
    }

    @Test func optionalKeysTakeTheirDefaults() throws {
        let directory = TemporaryDirectory()
        let config = try #require(parseValid(Self.minimal, in: directory))
        #expect(config.store == .sqlite(path: directory.path + "/chargemux.db"))
        #expect(config.gatewayAnswers.heartbeatInterval == 300)
        #expect(config.callTimeout == .seconds(30))
        #expect(config.maxFrameSize == 65_536)
        #expect(config.redaction.hashKey == nil)
        let listener = try #require(config.listeners.first)
        #expect(listener.path == "/ocpp")
        #expect(listener.securityProfile == .basicAuth)
        #expect(listener.allowInsecure == false)
        let backend = try #require(config.backends.first)
        #expect(backend.securityProfile == .unsecured)
        #expect(backend.ocppVersion == nil)
        #expect(backend.password == nil)
    }

    @Test func wssBackendDefaultsToProfile2() throws {
        let yaml = Self.minimal.replacingOccurrences(
            of: "url: ws://127.0.0.1:9001/ocpp", with: "url: wss://billing.example.com/ocpp\n    password: pw")
        let config = try #require(parseValid(yaml))
        #expect(config.backends.first?.securityProfile == .tlsBasicAuth)
    }

    @Test(arguments: [("1", 1), ("86400", 86_400), ("300", 300)])
    func heartbeatIntervalBounds(text: String, value: Int) throws {
        let config = try #require(parseValid(Self.minimal + "\ngatewayAnswers: { heartbeatInterval: \(text) }"))
        #expect(config.gatewayAnswers.heartbeatInterval == value)
    }
}
