import Gateway
import Testing

@Suite("charge points")
struct ChargePointTests {
    /// A valid config whose `chargePoints` is `entries`.
    static func config(_ entries: String) -> String {
        """
        listen:
          - address: 127.0.0.1:8180
        policy: site.policy
        chargePoints:
        \(entries)
        backends:
          - { name: billing, url: ws://127.0.0.1:9001/ocpp }
        """
    }

    @Test func bothCredentialsAreAConflict() {
        expectError(Self.config("""
              - id: CP1
                password: "0123456789abcdef"
                ↓passwordSha256: 30d608d721c4be3af927f077f3956b3c857f7ba421323c3b40770ce0e002fe91
            """), code: .conflict, keyPath: "chargePoints[0].passwordSha256",
            message: "`chargePoints[0]` has both `password` and `passwordSha256`", help: "keep only one")
    }

    @Test func aCredentialIsRequired() {
        expectError(Self.config("""
              - ↓id: CP1
            """), code: .missingKey, keyPath: "chargePoints[0].password",
            message: "`chargePoints[0]` needs `password` or `passwordSha256`")
    }

    @Test(arguments: ["abc", "30d608d721c4be3af927f077f3956b3c857f7ba421323c3b40770ce0e002fe9g",
                      "30d608d721c4be3af927f077f3956b3c857f7ba421323c3b40770ce0e002fe911"])
    func hashMustBe64HexDigits(hash: String) {
        let diagnostic = expectError(Self.config("""
              - id: CP1
                passwordSha256: ↓\(hash)
            """), code: .invalidValue, keyPath: "chargePoints[0].passwordSha256",
            message: "`chargePoints[0].passwordSha256` must be 64 hex digits (a sha-256 hash)")
        #expect(diagnostic?.description.contains(hash) == false)
    }

    @Test func duplicateIds() {
        expectError(Self.config("""
              - { id: CP1, password: "0123456789abcdef" }
              - { id: ↓CP1, password: "fedcba9876543210" }
            """), code: .duplicateValue, keyPath: "chargePoints[1].id", message: "charge point id `CP1` is listed twice")
    }

    @Test func idMustNotContainASlash() {
        expectError(Self.config("""
              - { id: ↓"CP/1", password: "0123456789abcdef" }
            """), code: .invalidValue, keyPath: "chargePoints[0].id",
            message: "`chargePoints[0].id` must not contain `/` or whitespace, found `CP/1`")
    }

    @Test(arguments: [
        ("CP-*", "CP-001", true), ("CP-*", "CP-", true), ("CP-*", "XCP-1", false),
        ("CP-??", "CP-12", true), ("CP-??", "CP-123", false), ("*-A*", "site-Alpha", true),
        ("CP1", "CP1", true), ("CP1", "CP10", false), ("*", "", true), ("a*b*c", "abxbyc", true), ("a*b*c", "abxbyd", false),
    ])
    func globMatching(pattern: String, id: String, matches: Bool) {
        let entry = GatewayConfig.ChargePointCredential(id: pattern, credential: .password(Secret("x")))
        #expect(entry.matches(id) == matches)
    }

    @Test func exactIdWinsOverAnEarlierGlob() throws {
        let config = try #require(parseValid(Self.config("""
              - { id: "CP-*", password: "glob-password-0001" }
              - { id: "CP-7", password: "exact-password-0001" }
            """)))
        #expect(config.credential(for: "CP-7")?.id == "CP-7")
        #expect(config.credential(for: "CP-8")?.id == "CP-*")
    }
}
