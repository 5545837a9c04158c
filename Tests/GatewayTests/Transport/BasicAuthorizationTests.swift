import Foundation
import Gateway
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import OCPP
import Testing

@Suite struct BasicAuthorizationTests {
    @Test func parsesUserAndPassword() throws {
        let auth = try #require(BasicAuthorization(headerValue: TransportFixtures.basic("CP-1", "pa:ss word")))
        #expect(auth.user == "CP-1")
        #expect(auth.passwordMatches(.password(Secret("pa:ss word"))))
        #expect(!auth.passwordMatches(.password(Secret("pa:ss wor"))))
        #expect(!auth.passwordMatches(.password(Secret("pa:ss words"))))
    }

    @Test func schemeIsCaseInsensitive() throws {
        let value = TransportFixtures.basic("CP-1", "x").replacingOccurrences(of: "Basic", with: "bAsIc")
        #expect(BasicAuthorization(headerValue: value)?.user == "CP-1")
    }

    @Test(arguments: ["", "Basic", "Basic ", "Bearer abc", "Basic !!!", "Basic " + Data("nocolon".utf8).base64EncodedString(),
                      "Basic " + Data([0xFF, 0xFE, 0x3A, 0x41]).base64EncodedString()])
    func rejectsMalformedHeaders(value: String) {
        #expect(BasicAuthorization(headerValue: value) == nil)
    }

    @Test func matchesSha256Credentials() throws {
        let auth = try #require(BasicAuthorization(headerValue: TransportFixtures.basic("X", TransportFixtures.hashedPassword)))
        #expect(auth.passwordMatches(.passwordSha256(Secret(TransportFixtures.hashedPasswordSha256))))
        #expect(auth.passwordMatches(.passwordSha256(Secret(TransportFixtures.hashedPasswordSha256.uppercased()))))
        #expect(!auth.passwordMatches(.passwordSha256(Secret(String(repeating: "0", count: 64)))))
        #expect(!auth.passwordMatches(.passwordSha256(Secret("not hex"))))
    }

    @Test func descriptionHidesThePassword() throws {
        let auth = BasicAuthorization(user: "CP-1", password: "hunter2hunter2")
        #expect(!"\(auth)".contains("hunter2"))
        #expect(!String(reflecting: auth).contains("hunter2"))
        var dumped = ""
        dump(auth, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(BasicAuthorization(headerValue: auth.headerValue)?.passwordMatches(.password(Secret("hunter2hunter2"))) == true)
    }
}
