import Gateway
import Testing

@Suite("secrets")
struct SecretTests {
    static let password = "Zq9-distinctive-PASSWORD-7731"

    static let yaml = """
        listen:
          - address: 127.0.0.1:8180
        policy: site.policy
        redaction:
          hashKey: \(password)-hash-key
        chargePoints:
          - { id: CP1, password: "\(password)" }
        backends:
          - name: billing
            url: ws://127.0.0.1:9001/ocpp
            securityProfile: 1
            password: env:BILLING_KEY
        """

    @Test func secretNeverPrintsItsValue() {
        let secret = Secret(Self.password)
        #expect(secret.description == "<secret>")
        #expect(secret.debugDescription == "<secret>")
        #expect("\(secret)" == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(Self.password))
        #expect(Mirror(reflecting: secret).children.isEmpty)
        #expect(secret.reveal() == Self.password)
    }

    @Test func loadedConfigNeverPrintsSecrets() throws {
        let environment = ["BILLING_KEY": Self.password + "-env"]
        let config = try #require(parseValid(Self.yaml, environment: environment))
        #expect(config.backends.first?.password?.reveal() == Self.password + "-env")
        var dumped = ""
        dump(config, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), dumped] {
            #expect(!text.contains(Self.password))
            #expect(text.contains("<secret>"))
        }
    }

    @Test func errorsNeverPrintSecrets() {
        // Every secret here is wrong in some way, and the file has a syntax-free layout error too.
        let yaml = """
            listen:
              - address: 127.0.0.1:8180
            policy: missing.policy
            redaction:
              hashKey: short-\(Self.password.prefix(3))
            chargePoints:
              - { id: CP1, password: "\(Self.password)", passwordSha256: "\(Self.password)" }
              - { id: CP2, passwordSha256: env:HASH }
            backends:
              - name: billing
                url: ws://127.0.0.1:9001/ocpp
                password: \(Self.password)
              - name: fleet
                url: ws://127.0.0.1:9002/ocpp
                securityProfile: 1
                password: env:FLEET_KEY
            """
        let environment = ["HASH": Self.password]
        let found = diagnostics(yaml, environment: environment)
        #expect(found.count >= 5)
        let rendered = ConfigError(diagnostics: found).description
        #expect(!rendered.contains(Self.password))
        #expect(!rendered.contains("short-Zq9"))
        #expect(rendered.contains("environment variable `FLEET_KEY` for `backends[1].password` is not set"))
        #expect(rendered.contains("`chargePoints[1].passwordSha256` (from environment variable `HASH`) must be 64 hex digits"))
    }

    @Test func syntaxErrorsDoNotQuoteTheLine() {
        let found = diagnostics("""
            chargePoints:
              - { id: CP1, password: \(Self.password) ]
            """)
        #expect(found.first?.code == .yamlSyntax)
        #expect(!ConfigError(diagnostics: found).description.contains(Self.password))
    }

    @Test func environmentVariableIsResolved() throws {
        let config = try #require(parseValid(Self.yaml, environment: ["BILLING_KEY": "from-the-environment"]))
        let password = try #require(config.backends.first?.password)
        #expect(password.reveal() == "from-the-environment")
        #expect(password.source == .environment("BILLING_KEY"))
    }

    @Test func missingEnvironmentVariableNamesKeyAndVariable() {
        expectError(Self.yaml.replacingOccurrences(of: "password: env:BILLING_KEY", with: "password: ↓env:BILLING_KEY"),
                    code: .missingEnvironmentVariable, keyPath: "backends[0].password",
                    message: "environment variable `BILLING_KEY` for `backends[0].password` is not set",
                    help: "set `BILLING_KEY` in the gateway's environment", environment: [:])
    }

    @Test func emptyEnvironmentVariableIsRefused() {
        expectError(Self.yaml.replacingOccurrences(of: "password: env:BILLING_KEY", with: "password: ↓env:BILLING_KEY"),
                    code: .invalidValue, keyPath: "backends[0].password",
                    message: "environment variable `BILLING_KEY` for `backends[0].password` is empty",
                    environment: ["BILLING_KEY": ""])
    }

    @Test(arguments: ["env:", "env:1ABC", "env:A-B"])
    func invalidVariableNames(reference: String) {
        expectError(Self.yaml.replacingOccurrences(of: "password: env:BILLING_KEY", with: "password: ↓\"\(reference)\""),
                    code: .invalidValue, keyPath: "backends[0].password",
                    message: "`\(reference)` in `backends[0].password` is not a valid environment variable name")
    }

    @Test func shortHashKeyIsRefused() {
        expectError(Self.yaml.replacingOccurrences(of: "hashKey: \(Self.password)-hash-key", with: "hashKey: ↓env:SHORT"),
                    code: .invalidValue, keyPath: "redaction.hashKey",
                    message: "`redaction.hashKey` (from environment variable `SHORT`) must be at least 16 characters long",
                    environment: ["BILLING_KEY": "x", "SHORT": "tooshort"])
    }
}
