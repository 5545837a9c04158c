import Gateway
import Testing

@Suite("listeners")
struct ListenerTests {
    /// A config whose only listener has `listener` (flow mapping contents) and is otherwise valid.
    static func config(_ listener: String) -> String {
        """
        listen:
          - { \(listener) }
        policy: site.policy
        chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
        backends:
          - { name: billing, url: ws://127.0.0.1:9001/ocpp }
        """
    }

    @Test(arguments: [
        ("127.0.0.1:8180", "127.0.0.1", 8180),
        ("localhost:1", "localhost", 1),
        ("0.0.0.0:65535", "0.0.0.0", 65_535),
        ("\"[::1]:8180\"", "::1", 8180),
        ("\"[fe80::1%eth0]:80\"", "fe80::1%eth0", 80),
    ])
    func validAddresses(text: String, host: String, port: Int) throws {
        let config = try #require(parseValid(Self.config("address: \(text)")))
        #expect(config.listeners.first?.address == .init(host: host, port: port))
    }

    @Test(arguments: [
        ("127.0.0.1", "`listen[0].address` must be `host:port`, found `127.0.0.1`"),
        ("127.0.0.1:0", "port `0` in `listen[0].address` must be a number between 1 and 65535"),
        ("127.0.0.1:65536", "port `65536` in `listen[0].address` must be a number between 1 and 65535"),
        ("127.0.0.1:http", "port `http` in `listen[0].address`"),
        ("\":8180\"", "`listen[0].address` has no host"),
        ("\"::1:8180\"", "ipv6 address in `listen[0].address` needs brackets"),
        ("\"[::1]8180\"", "`listen[0].address` must be `[ipv6]:port`"),
        ("\"[fe80::1%]:80\"", "`fe80::1%` in `listen[0].address` is not an ipv6 address"),
        ("ws://127.0.0.1:8180", "`listen[0].address` must be `host:port`, not a url"),
        ("\"local host:8180\"", "`local host` in `listen[0].address` is not a host name or ip address"),
    ])
    func invalidAddresses(text: String, message: String) {
        expectError(Self.config("address: ↓\(text)"), code: .invalidValue, keyPath: "listen[0].address",
                    message: message)
    }

    @Test func pathMustStartWithSlash() {
        expectError(Self.config("address: 127.0.0.1:8180, path: ↓ocpp"), code: .invalidValue,
                    keyPath: "listen[0].path", message: "`listen[0].path` must start with `/`, found `ocpp`",
                    help: "write `/ocpp`")
    }

    @Test(arguments: ["\"/ocpp?x=1\"", "/a//b", "\"/oc pp\""])
    func pathMustBeAPlainPath(text: String) {
        expectError(Self.config("address: 127.0.0.1:8180, path: ↓\(text)"), code: .invalidValue,
                    keyPath: "listen[0].path", message: "`listen[0].path` must not contain")
    }

    @Test(arguments: [("/", "/"), ("/ocpp/", "/ocpp"), ("/a/b", "/a/b")])
    func pathIsKeptWithoutTrailingSlash(text: String, expected: String) throws {
        let config = try #require(parseValid(Self.config("address: 127.0.0.1:8180, path: \(text)")))
        #expect(config.listeners.first?.path == expected)
    }

    @Test func duplicateAddresses() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
              - address: ↓127.0.0.1:8180
                path: /other
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .duplicateValue, keyPath: "listen[1].address",
            message: "listener address `127.0.0.1:8180` is used twice", help: "`listen[0]` already listens there")
    }

    @Test func profile0NeedsAllowInsecure() {
        expectError(Self.config("address: 127.0.0.1:8180, securityProfile: ↓0"), code: .conflict,
                    keyPath: "listen[0].securityProfile",
                    message: "`listen[0]` uses security profile 0 (no authentication) without `allowInsecure: true`",
                    help: "add `allowInsecure: true`")
    }

    @Test func profileOutOfRange() {
        expectError(Self.config("address: 127.0.0.1:8180, securityProfile: ↓4"), code: .invalidValue,
                    keyPath: "listen[0].securityProfile",
                    message: "`listen[0].securityProfile` must be between 0 and 3, found `4`")
    }

    @Test func basicAuthNeedsChargePoints() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: ↓1
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .missingKey, keyPath: "chargePoints",
            message: "`listen[0]` uses security profile 1 (basic auth) but there are no `chargePoints` with passwords",
            help: "add `chargePoints:`")
    }

    @Test func defaultProfileNeedsChargePointsToo() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
            policy: site.policy
            chargePoints: ↓[]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .conflict, keyPath: "chargePoints",
            message: "`listen[0]` uses security profile 1 (basic auth) but `chargePoints` is empty")
    }

    @Test func tlsIsForbiddenForProfile1() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                ↓tls: { certificate: certs/gateway.pem, privateKey: certs/gateway.key }
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .conflict, keyPath: "listen[0].tls",
            message: "`listen[0].tls` is only used with security profiles 2 and 3, but `listen[0]` uses security profile 1",
            help: "remove `tls`")
    }

    @Test func profile2NeedsTLS() {
        expectError(Self.config("address: 127.0.0.1:8180, securityProfile: ↓2"), code: .missingKey,
                    keyPath: "listen[0].tls",
                    message: "`listen[0]` uses security profile 2 (tls and basic auth) but has no `tls`")
    }

    @Test func profile2NeedsAPrivateKey() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 2
                tls:
                  ↓certificate: certs/gateway.pem
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .missingKey, keyPath: "listen[0].tls.privateKey",
            message: "missing required key `privateKey` in `listen[0].tls`")
    }

    @Test func profile3NeedsClientCA() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 3
                tls:
                  ↓certificate: certs/gateway.pem
                  privateKey: certs/gateway.key
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .missingKey, keyPath: "listen[0].tls.clientCA",
            message: "`listen[0]` uses security profile 3 (mutual tls), which needs `clientCA`")
    }

    @Test func clientCAIsOnlyForProfile3() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 2
                tls:
                  certificate: certs/gateway.pem
                  privateKey: certs/gateway.key
                  ↓requireOrganization: Linking World GmbH
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .conflict, keyPath: "listen[0].tls.requireOrganization",
            message: "`listen[0].tls.requireOrganization` is only used with security profile 3 (mutual tls)")
    }

    @Test func missingCertificateFile() {
        let diagnostic = expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 2
                tls:
                  certificate: ↓certs/missing.pem
                  privateKey: certs/gateway.key
            policy: site.policy
            chargePoints: [{ id: CP1, password: "0123456789abcdef" }]
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .fileNotFound, keyPath: "listen[0].tls.certificate",
            message: "file `certs/missing.pem` for `listen[0].tls.certificate` not found at `/")
        #expect(diagnostic?.message.hasSuffix("/certs/missing.pem`") == true)
    }

    @Test func certificateIdValuesMustBeIds() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
                securityProfile: 3
                tls:
                  certificate: certs/gateway.pem
                  privateKey: certs/gateway.key
                  clientCA: certs/chargepoint-ca.pem
                  certificateIds: { "SN-1": ↓"CP/1" }
            policy: site.policy
            backends:
              - { name: billing, url: ws://127.0.0.1:9001/ocpp }
            """, code: .invalidValue, keyPath: "listen[0].tls.certificateIds.SN-1",
            message: "must not contain `/` or whitespace, found `CP/1`")
    }
}
