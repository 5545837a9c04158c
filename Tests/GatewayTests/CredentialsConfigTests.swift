import Foundation
import Gateway
import Testing

/// `credentialsFile` and `certificateOnly` in the config.
@Suite("credentials file and certificate-only charge points")
struct CredentialsConfigTests {
    static let line = "ST-*:pbkdf2-sha256:1000:MDEyMzQ1Njc4OWFiY2RlZg==:tRUVVKQb5/yIT7bJyib4gjQX6/M6BJxosWjKNZ864Fw="

    static func config(_ extra: String) -> String {
        """
        listen:
          - address: 127.0.0.1:8180
        policy: site.policy
        \(extra)
        backends:
          - { name: billing, url: ws://127.0.0.1:9001/ocpp }
        """
    }

    @Test func theFileJoinsChargePointsAfterTheConfigsOwn() throws {
        let directory = TemporaryDirectory()
        directory.write("credentials.txt", "# stations\n\(Self.line)\n")
        let config = try #require(parseValid(Self.config("""
            chargePoints:
              - { id: "CP-*", password: "0123456789abcdef" }
            credentialsFile: credentials.txt
            """), in: directory))
        #expect(config.chargePoints.map(\.id) == ["CP-*", "ST-*"])
        let entry = try #require(config.credential(for: "ST-17"))
        let authorization = try #require(BasicAuthorization(headerValue: TransportFixtures.basic("ST-17", "cp-Password-0001")))
        #expect(authorization.passwordMatches(entry.credential))
    }

    @Test func theFileAloneSatisfiesAProfile1Listener() throws {
        let directory = TemporaryDirectory()
        directory.write("credentials.txt", Self.line + "\n")
        let config = try #require(parseValid(Self.config("credentialsFile: credentials.txt"), in: directory))
        #expect(config.chargePoints.count == 1)
    }

    @Test func aMalformedLineIsReportedByNumberWithoutItsContent() {
        let directory = TemporaryDirectory()
        directory.write("credentials.txt", "# ok\nST-1:pbkdf2-sha256:1000:c2FsdA==:secret-looking-hash\n")
        let found = diagnostics(Self.config("credentialsFile: credentials.txt"), in: directory)
        #expect(found.count == 1)
        #expect(found.first?.keyPath == "credentialsFile")
        #expect(found.first?.message.contains("line 2") == true)
        #expect(found.first?.description.contains("secret-looking-hash") == false)
    }

    @Test func anIdInBothPlacesIsADuplicate() {
        let directory = TemporaryDirectory()
        directory.write("credentials.txt", Self.line + "\n")
        let found = diagnostics(Self.config("""
            chargePoints:
              - { id: "ST-*", password: "0123456789abcdef" }
            credentialsFile: credentials.txt
            """), in: directory)
        #expect(found.map(\.code) == [.duplicateValue])
    }

    @Test func certificateOnlyEntriesHaveNoPassword() throws {
        let config = try #require(parseValid(Self.config("""
            chargePoints:
              - { id: "CP-1", password: "0123456789abcdef" }
              - { id: "SN-*", certificateOnly: true }
            """)))
        let entry = try #require(config.credential(for: "SN-42"))
        guard case .certificateOnly = entry.credential else { Issue.record("\(entry.credential)"); return }
        let authorization = try #require(BasicAuthorization(headerValue: TransportFixtures.basic("SN-42", "")))
        #expect(!authorization.passwordMatches(entry.credential))
    }
}
