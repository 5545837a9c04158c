import Foundation
import Gateway
import Testing

/// PBKDF2-HMAC-SHA256 password hashes and the `credentialsFile`.
struct PasswordHashTests {
    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func matchesTheRFC7914Vectors() {
        #expect(Self.hex(PasswordHash.derive(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64))
            == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        #expect(Self.hex(PasswordHash.derive(password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80_000, length: 64))
            == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")
    }

    @Test func roundTripsAndRefusesOtherPasswords() throws {
        let hash = PasswordHash.make(password: Array("cp-Password-0001".utf8), iterations: 1_000)
        let parsed = try #require(PasswordHash(stored: Substring(hash.stored)))
        #expect(parsed == hash)
        #expect(parsed.matches(password: Array("cp-Password-0001".utf8)))
        #expect(!parsed.matches(password: Array("cp-Password-0002".utf8)))
        #expect(!"\(parsed)".contains(Data(hash.hash).base64EncodedString()))
    }

    @Test func readsAHashMadeByPythonsHashlib() throws {
        // hashlib.pbkdf2_hmac('sha256', b'cp-Password-0001', b'0123456789abcdef', 1000, 32)
        let line = "CP-1*:pbkdf2-sha256:1000:\(Data("0123456789abcdef".utf8).base64EncodedString()):tRUVVKQb5/yIT7bJyib4gjQX6/M6BJxosWjKNZ864Fw="
        let entries = try CredentialsFile.parse("# charge points\n\n" + line + "\n")
        #expect(entries.count == 1)
        #expect(entries[0].matches("CP-17"))
        let authorization = try #require(BasicAuthorization(headerValue: TransportFixtures.basic("CP-17", "cp-Password-0001")))
        #expect(authorization.passwordMatches(entries[0].credential))
        let wrong = try #require(BasicAuthorization(headerValue: TransportFixtures.basic("CP-17", "cp-Password-0002")))
        #expect(!wrong.passwordMatches(entries[0].credential))
    }

    @Test func reportsMalformedLinesByNumberWithoutQuotingThem() {
        #expect(throws: CredentialsFile.LineError.self) { try CredentialsFile.parse("CP-1:md5:abc") }
        do {
            _ = try CredentialsFile.parse("\nCP-1:pbkdf2-sha256:1000:c2FsdHNhbHQ=:dG9vc2hvcnQ=")
        } catch let error as CredentialsFile.LineError {
            #expect(error.line == 2)
            #expect(!"\(error)".contains("dG9vc2hvcnQ="))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
