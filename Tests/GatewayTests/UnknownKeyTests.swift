import Gateway
import Testing

@Suite("unknown keys")
struct UnknownKeyTests {
    @Test func topLevelKeySuggestsTheNearest() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 0
                allowInsecure: true
            policy: site.policy
            ↓polcy: other.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .unknownKey, keyPath: "polcy", message: "unknown key `polcy` at the top level",
            help: "did you mean `policy`?")
    }

    @Test func listenerKeySuggestsSecurityProfile() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                ↓securityProfil: 1
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .unknownKey, keyPath: "listen[0].securityProfil",
            message: "unknown key `securityProfil` in `listen[0]`", help: "did you mean `securityProfile`?")
    }

    @Test func nestedBackendTLSKey() {
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
              - name: fleet
                url: wss://fleet.example.com/ocpp
                securityProfile: 2
                password: pw
                tls:
                  ↓CA: certs/billing-ca.pem
            """, code: .unknownKey, keyPath: "backends[1].tls.CA", message: "unknown key `CA` in `backends[1].tls`",
            help: "did you mean `ca`?")
    }

    @Test func farFromEveryKeyListsTheKnownKeys() {
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: site.policy
            gatewayAnswers:
              ↓bootStatus: Accepted
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .unknownKey, keyPath: "gatewayAnswers.bootStatus",
            message: "unknown key `bootStatus` in `gatewayAnswers`", help: "known keys here: `heartbeatInterval`")
    }

    @Test func unknownKeyInAChargePointEntry() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
            policy: site.policy
            chargePoints:
              - id: CP1
                password: "0123456789abcdef"
                ↓pasword: other
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .unknownKey, keyPath: "chargePoints[0].pasword", message: "unknown key `pasword`",
            help: "did you mean `password`?")
    }
}
