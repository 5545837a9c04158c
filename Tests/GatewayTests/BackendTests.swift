import Gateway
import OCPP
import Testing

@Suite("backends")
struct BackendTests {
    /// A valid config whose second backend is `backend` (block mapping lines, indented 4).
    static func config(_ backend: String) -> String {
        """
        listen:
          - { address: 127.0.0.1:8180, securityProfile: 0, allowInsecure: true }
        policy: site.policy
        backends:
          - { name: billing, url: ws://127.0.0.1:9001/ocpp }
          - \(backend.trimmingCharacters(in: .whitespaces))
        """
    }

    @Test(arguments: [("\"1.6\"", OCPPVersion.v16), ("1.6", .v16), ("\"2.0.1\"", .v201), ("2.0.1", .v201)])
    func ocppVersions(text: String, version: OCPPVersion) throws {
        let config = try #require(parseValid(Self.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                ocppVersion: \(text)
            """)))
        #expect(config.backends.last?.ocppVersion == version)
    }

    @Test(arguments: ["2", "2.0", "\"1.5\"", "1.60", "\"ocpp1.6\""])
    func invalidOCPPVersions(text: String) {
        expectError(Self.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                ocppVersion: ↓\(text)
            """), code: .invalidValue, keyPath: "backends[1].ocppVersion",
            message: "`backends[1].ocppVersion` must be \"1.6\" or \"2.0.1\", found `",
            help: "write `ocppVersion: \"1.6\"`")
    }

    @Test(arguments: [
        ("http://127.0.0.1:9002/ocpp", "`backends[1].url` must start with `ws://` or `wss://`, found `http://127.0.0.1:9002/ocpp`"),
        ("ws:///ocpp", "`backends[1].url` has no host"),
        ("ws://127.0.0.1:70000/ocpp", "port `70000` in `backends[1].url` must be between 1 and 65535"),
        ("ws://127.0.0.1:0/ocpp", "port `0` in `backends[1].url` must be between 1 and 65535"),
        ("ws://127.0.0.1:9002/ocpp?x=1", "`backends[1].url` must not have a query or fragment"),
        ("127.0.0.1:9002", "`backends[1].url` must start with `ws://` or `wss://`"),
        ("\"ws://exa mple/ocpp\"", "`backends[1].url` is not a valid url"),
    ])
    func invalidURLs(text: String, message: String) {
        expectError(Self.config("""
            name: fleet
                url: ↓\(text)
            """), code: .invalidValue, keyPath: "backends[1].url", message: message)
    }

    @Test func urlWithCredentialsIsRefusedWithoutEchoingThem() {
        let diagnostic = expectError(Self.config("""
            name: fleet
                url: ↓ws://cp:hunter2-url-secret@127.0.0.1:9002/ocpp
            """), code: .invalidValue, keyPath: "backends[1].url", message: "`backends[1].url` must not contain credentials")
        #expect(diagnostic?.description.contains("hunter2") == false)
    }

    @Test func profile2NeedsWss() {
        expectError(Self.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                securityProfile: ↓2
                password: pw
            """), code: .conflict, keyPath: "backends[1].securityProfile",
            message: "`backends[1]` uses security profile 2 (tls and basic auth), which needs a `wss://` url",
            help: "use a `wss://` url")
    }

    @Test func profile1NeedsWs() {
        expectError(Self.config("""
            name: fleet
                url: wss://fleet.example.com/ocpp
                securityProfile: ↓1
                password: pw
            """), code: .conflict, keyPath: "backends[1].securityProfile",
            message: "`backends[1]` uses security profile 1 (basic auth), which needs a `ws://` url")
    }

    @Test func basicAuthNeedsAPassword() {
        expectError(Self.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                securityProfile: ↓1
            """), code: .missingKey, keyPath: "backends[1].password",
            message: "`backends[1]` uses security profile 1 (basic auth) but has no `password`")
    }

    @Test func defaultWssProfileNeedsAPassword() {
        expectError(Self.config("""
            ↓name: fleet
                url: wss://fleet.example.com/ocpp
            """), code: .missingKey, keyPath: "backends[1].password",
            message: "`backends[1]` uses security profile 2 (tls and basic auth) but has no `password`",
            help: "or set `securityProfile`")
    }

    @Test func profile0SendsNoPassword() {
        expectError(Self.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                ↓password: pw
            """), code: .conflict, keyPath: "backends[1].password",
            message: "`backends[1].password` is not sent with security profile 0 (no authentication)",
            help: "set `securityProfile: 1`")
    }

    @Test func tlsOnlyForWss() {
        expectError(Self.config("""
            name: fleet
                url: ws://127.0.0.1:9002/ocpp
                ↓tls: { ca: certs/billing-ca.pem }
            """), code: .conflict, keyPath: "backends[1].tls", message: "`backends[1].tls` is only used with `wss://` urls")
    }

    @Test func profile3NeedsAClientCertificate() {
        expectError(Self.config("""
            name: fleet
                url: wss://fleet.example.com/ocpp
                securityProfile: 3
                tls: ↓{ ca: certs/billing-ca.pem }
            """), code: .missingKey, keyPath: "backends[1].tls",
            message: "`backends[1]` uses security profile 3 (mutual tls) but has no client certificate")
    }

    @Test func certificateNeedsItsKey() {
        expectError(Self.config("""
            name: fleet
                url: wss://fleet.example.com/ocpp
                securityProfile: 3
                tls: ↓{ certificate: certs/client.pem }
            """), code: .missingKey, keyPath: "backends[1].tls.privateKey",
            message: "missing required key `privateKey` in `backends[1].tls`")
    }

    @Test func certificateDirMustBeAFolder() {
        expectError(Self.config("""
            name: fleet
                url: wss://fleet.example.com/ocpp
                securityProfile: 3
                tls: { certificateDir: ↓certs/client.pem }
            """), code: .invalidValue, keyPath: "backends[1].tls.certificateDir",
            message: "`backends[1].tls.certificateDir` names the file `")
    }

    @Test func duplicateNamesIgnoreCase() {
        expectError(Self.config("""
            name: ↓Billing
                url: ws://127.0.0.1:9002/ocpp
            """), code: .duplicateValue, keyPath: "backends[1].name", message: "backend name `Billing` is used twice",
            help: "`backends[0]` already has this name")
    }

    @Test(arguments: ["all", "gateway", "owner", "primary", "Primary"])
    func reservedNames(name: String) {
        expectError(Self.config("""
            name: ↓\(name)
                url: ws://127.0.0.1:9002/ocpp
            """), code: .reservedName, keyPath: "backends[1].name",
            message: "backend name `\(name)` is reserved by the policy language",
            help: "`all`, `gateway`, `owner`, `primary` are reserved")
    }

    @Test(arguments: ["2fleet", "fleet.two", "\"\"", "_fleet", "flött"])
    func invalidNames(name: String) {
        expectError(Self.config("""
            name: ↓\(name)
                url: ws://127.0.0.1:9002/ocpp
            """), code: .invalidValue, keyPath: "backends[1].name",
            message: "must start with a letter and contain only letters, digits, `_` and `-`")
    }
}
