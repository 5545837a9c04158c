import Gateway
import Testing

@Suite("wrong types and missing keys")
struct TypeAndMissingKeyTests {
    @Test func listenMustBeAList() {
        expectError("""
            listen:
              ↓address: 127.0.0.1:8180
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .wrongType, keyPath: "listen", message: "`listen` must be a list, found a mapping",
            help: "start each entry with `- `")
    }

    @Test func quotedNumberIsAString() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: ↓"1"
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .wrongType, keyPath: "listen[0].securityProfile",
            message: "`listen[0].securityProfile` must be an integer, found a string",
            help: "remove the quotes around the number")
    }

    @Test func booleanMustBeABoolean() {
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: ↓1 }
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .wrongType, keyPath: "listen[0].allowInsecure",
            message: "`listen[0].allowInsecure` must be `true` or `false`, found an integer")
    }

    @Test func stringMustNotBeAMapping() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
            policy: ↓{ file: site.policy }
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .wrongType, keyPath: "policy", message: "`policy` must be a string, found a mapping")
    }

    @Test func emptyValueIsNull() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - name: billing
                url: ws://127.0.0.1:9001/ocpp
                ocppVersion:↓
            """, code: .wrongType, keyPath: "backends[0].ocppVersion", message: "found nothing (null)")
    }

    @Test func rootMustBeAMapping() {
        expectError("""
            ↓- listen
            """, code: .wrongType, keyPath: "", message: "the configuration must be a mapping of keys, found a list")
    }

    @Test func missingTopLevelKeys() {
        let found = diagnostics("""
            callTimeout: 10
            """)
        #expect(found.map(\.code) == [.missingKey, .missingKey, .missingKey])
        #expect(found.map(\.keyPath).sorted() == ["backends", "listen", "policy"])
        #expect(found.allSatisfy { $0.line == 1 && $0.column == 1 })
        #expect(found.contains { $0.message == "missing required key `policy` in the configuration" })
    }

    @Test func emptyDocumentNamesEveryRequiredKey() {
        let found = diagnostics("")
        #expect(found.map(\.keyPath).sorted() == ["backends", "listen", "policy"])
    }

    @Test func missingBackendURL() {
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
              - ↓name: fleet
                ocppVersion: "1.6"
            """, code: .missingKey, keyPath: "backends[1].url", message: "missing required key `url` in `backends[1]`",
            help: "add `url: ws://127.0.0.1:9001/ocpp`")
    }

    @Test func missingBackendName() {
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: site.policy
            backends:
              - ↓url: ws://127.0.0.1:9001/ocpp
            """, code: .missingKey, keyPath: "backends[0].name", message: "missing required key `name` in `backends[0]`")
    }

    @Test func missingListenerAddress() {
        expectError("""
            listen:
              - ↓path: /ocpp
                securityProfile: 0
                allowInsecure: true
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .missingKey, keyPath: "listen[0].address",
            message: "missing required key `address` in `listen[0]`", help: "add `address: 127.0.0.1:8180`")
    }

    @Test func emptyBackendList() {
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: site.policy
            backends: ↓[]
            """, code: .invalidValue, keyPath: "backends", message: "`backends` must have at least one backend")
    }

    @Test(arguments: [
        ("callTimeout", "0", "`callTimeout` must be between 1 and 3600 seconds, found `0`"),
        ("maxFrameSize", "100", "`maxFrameSize` must be between 1024 and 16777216 bytes, found `100`"),
        ("gatewayAnswers", "{ heartbeatInterval: 86401 }",
         "`gatewayAnswers.heartbeatInterval` must be between 1 and 86400 seconds, found `86401`"),
        ("gatewayAnswers", "{ heartbeatInterval: 0 }",
         "`gatewayAnswers.heartbeatInterval` must be between 1 and 86400 seconds, found `0`"),
    ])
    func outOfRange(key: String, value: String, message: String) {
        let position = value.hasPrefix("{") ? "{ heartbeatInterval: ↓" + value.dropFirst(21) : "↓" + value
        expectError("""
            listen:
              - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
            policy: site.policy
            \(key): \(position)
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .invalidValue, keyPath: key == "gatewayAnswers" ? "gatewayAnswers.heartbeatInterval" : key,
            message: message)
    }
}
