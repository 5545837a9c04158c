import Foundation
@testable import OCPP
import Testing

@Suite("RFC 3339 times")
struct RFC3339TimeTests {
    /// What Foundation's formatters make of `text`, as `parse` did before it read the common form itself.
    static func foundation(_ text: String) -> Double? { RFC3339Time.parseWithFoundation(text) }

    @Test("the common form reads as Foundation reads it", arguments: [
        "2027-01-31T00:00:00Z", "1970-01-01T00:00:00Z", "2026-11-21T07:48:19Z", "2024-02-29T23:59:59Z",
        "2027-01-31T01:00:00.5+01:00", "2027-01-31T01:00:00.123-05:30", "2000-03-01T12:34:56.07Z",
        "1969-12-31T23:59:59Z", "2100-12-31T23:59:59+14:00", "1583-01-01T00:00:00Z",
    ])
    func commonForm(_ text: String) throws {
        let fast = try #require(RFC3339Time.parseCommonForm(text))
        let reference = try #require(Self.foundation(text))
        #expect(abs(fast - reference) < 0.000_5, "\(text): \(fast) vs \(reference)")
        #expect(RFC3339Time.parse(text) == fast)
    }

    @Test("other texts are left to Foundation", arguments: [
        "2027-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2027-01-31T24:00:00Z", "2027-01-31T00:60:00Z",
        "2027-01-31T00:00:60Z", "2027-13-01T00:00:00Z", "2027-01-31 00:00:00Z", "2027-01-31T00:00:00",
        "2027-01-31T00:00:00.1234Z", "2027-01-31T00:00:00.Z", "2027-01-31T00:00:00+0100", "not a time", "",
        "2027-01-31t00:00:00z", "2027-01-31T00:00:00+01:00x", "1500-03-01T00:00:00Z",
    ])
    func otherForms(_ text: String) {
        #expect(RFC3339Time.parseCommonForm(text) == nil)
        #expect(RFC3339Time.parse(text) == Self.foundation(text))
    }
}
