@testable import Gateway
import Testing

@Suite("levenshtein")
struct LevenshteinTests {
    @Test(arguments: [
        ("", "", 0), ("abc", "", 3), ("", "ab", 2), ("kitten", "sitting", 3), ("flaw", "lawn", 2),
        ("securityProfil", "securityProfile", 1), ("same", "same", 0),
    ])
    func distance(a: String, b: String, expected: Int) {
        #expect(Levenshtein.distance(a, b) == expected)
        #expect(Levenshtein.distance(b, a) == expected)
    }

    @Test func nearestIgnoresCaseAndRefusesFarWords() {
        let keys = ["address", "path", "securityProfile", "allowInsecure", "tls"]
        #expect(Levenshtein.nearest(to: "SecurityProfile", in: keys) == "securityProfile")
        #expect(Levenshtein.nearest(to: "adress", in: keys) == "address")
        #expect(Levenshtein.nearest(to: "tsl", in: keys) == "tls")
        #expect(Levenshtein.nearest(to: "certificate", in: keys) == nil)
    }
}
