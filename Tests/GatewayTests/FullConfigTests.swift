import Foundation
import Gateway
import OCPP
import Testing

@Suite("a config with every key")
struct FullConfigTests {
    static let yaml = """
        listen:
          - address: 127.0.0.1:8180
            path: /ocpp
            securityProfile: 1
            allowInsecure: false
          - address: "[::1]:8443"
            path: /ocpp/secure/
            securityProfile: 3
            tls:
              certificate: certs/gateway.pem
              privateKey: certs/gateway.key
              clientCA: certs/chargepoint-ca.pem
              certificateIds: { "SN-000123": "CP1" }
              requireOrganization: "Linking World GmbH"
          - address: 0.0.0.0:8181
            securityProfile: 0
            allowInsecure: true
        policy: site.policy
        store: sqlite:data/state.db
        gatewayAnswers:
          heartbeatInterval: 600
        callTimeout: 45
        maxFrameSize: 131072
        redaction:
          hashKey: env:CHARGEMUX_HASH_KEY
        chargePoints:
          - id: "CP-*"
            passwordSha256: 30D608D721C4BE3AF927F077F3956B3C857F7BA421323C3B40770CE0E002FE91
          - id: CP1
            password: "0123456789abcdef"
        backends:
          - name: billing
            url: ws://127.0.0.1:9001/ocpp
            ocppVersion: "1.6"
            securityProfile: 1
            password: env:BILLING_KEY
          - name: fleet-2
            url: wss://fleet.example.com:9443/ocpp/
            ocppVersion: 2.0.1
            securityProfile: 3
            tls: { ca: certs/billing-ca.pem, certificate: certs/client.pem, privateKey: certs/client.key, certificateDir: certs/clients, insecureSkipVerify: true }
          - name: ems
            url: wss://ems.example.com/ocpp
            ocppVersion: 1.6
            password: inline-ems-password
        """

    let directory = TemporaryDirectory()

    @Test func topLevelValues() throws {
        let config = try #require(parseValid(Self.yaml, in: directory))
        #expect(config.policyPath == directory.path + "/site.policy")
        #expect(config.store == .sqlite(path: directory.path + "/data/state.db"))
        #expect(config.gatewayAnswers.heartbeatInterval == 600)
        #expect(config.callTimeout == .seconds(45))
        #expect(config.maxFrameSize == 131_072)
        #expect(config.redaction.hashKey?.reveal() == "hash-key-0123456789abcdef")
        #expect(config.redaction.hashKey?.source == .environment("CHARGEMUX_HASH_KEY"))
        #expect(config.backendNames == ["billing", "fleet-2", "ems"])
    }

    @Test func listeners() throws {
        let config = try #require(parseValid(Self.yaml, in: directory))
        try #require(config.listeners.count == 3)
        let plain = config.listeners[0], mutual = config.listeners[1], open = config.listeners[2]
        #expect(plain.address == .init(host: "127.0.0.1", port: 8180))
        #expect(plain.path == "/ocpp")
        #expect(plain.securityProfile == .basicAuth)
        #expect(plain.allowInsecure == false)
        #expect(plain.tls == nil)
        #expect(mutual.address == .init(host: "::1", port: 8443))
        #expect(mutual.address.description == "[::1]:8443")
        #expect(mutual.path == "/ocpp/secure")
        #expect(mutual.securityProfile == .mutualTLS)
        let tls = try #require(mutual.tls)
        #expect(tls.certificate == directory.path + "/certs/gateway.pem")
        #expect(tls.privateKey == directory.path + "/certs/gateway.key")
        #expect(tls.clientCA == directory.path + "/certs/chargepoint-ca.pem")
        #expect(tls.certificateIds == ["SN-000123": "CP1"])
        #expect(tls.requireOrganization == "Linking World GmbH")
        #expect(open.securityProfile == .unsecured)
        #expect(open.allowInsecure)
        #expect(open.path == "/ocpp")
    }

    @Test func chargePoints() throws {
        let config = try #require(parseValid(Self.yaml, in: directory))
        try #require(config.chargePoints.count == 2)
        #expect(config.chargePoints[0].id == "CP-*")
        #expect(config.chargePoints[0].isPattern)
        guard case .passwordSha256(let hash) = config.chargePoints[0].credential else {
            Issue.record("expected a hash credential")
            return
        }
        #expect(hash.reveal() == "30d608d721c4be3af927f077f3956b3c857f7ba421323c3b40770ce0e002fe91")
        guard case .password(let password) = config.chargePoints[1].credential else {
            Issue.record("expected a password credential")
            return
        }
        #expect(password.reveal() == "0123456789abcdef")
        #expect(password.source == .inline)
        #expect(config.credential(for: "CP1")?.id == "CP1")
        #expect(config.credential(for: "CP-7")?.id == "CP-*")
        #expect(config.credential(for: "XY-7") == nil)
    }

    @Test func backends() throws {
        let config = try #require(parseValid(Self.yaml, in: directory))
        let billing = try #require(config.backend(named: "billing"))
        #expect(billing.url.absoluteString == "ws://127.0.0.1:9001/ocpp")
        #expect(billing.ocppVersion == .v16)
        #expect(billing.securityProfile == .basicAuth)
        #expect(billing.password?.reveal() == "billing-secret-from-env")
        #expect(billing.tls == nil)
        #expect(billing.url(for: "CP 1").absoluteString == "ws://127.0.0.1:9001/ocpp/CP%201")
        let fleet = try #require(config.backend(named: "fleet-2"))
        #expect(fleet.ocppVersion == .v201)
        #expect(fleet.securityProfile == .mutualTLS)
        #expect(fleet.password == nil)
        #expect(fleet.url(for: "CP1").absoluteString == "wss://fleet.example.com:9443/ocpp/CP1")
        let tls = try #require(fleet.tls)
        #expect(tls.ca == directory.path + "/certs/billing-ca.pem")
        #expect(tls.certificate == directory.path + "/certs/client.pem")
        #expect(tls.privateKey == directory.path + "/certs/client.key")
        #expect(tls.certificateDir == directory.path + "/certs/clients")
        #expect(tls.insecureSkipVerify)
        let ems = try #require(config.backend(named: "ems"))
        #expect(ems.ocppVersion == .v16)
        #expect(ems.securityProfile == .tlsBasicAuth)
        #expect(ems.password?.reveal() == "inline-ems-password")
    }
}
