import OCPP
import Testing

/// The parser's refusals: what it rejects, where, and that it never traps.
@Suite("JSON parsing")
struct JSONValueParsingTests {
    /// Parses `text` expecting failure and returns the error.
    private func failure(_ text: String) -> JSONParseError? {
        do {
            let value = try JSONValue(parsing: text)
            Issue.record("expected \(text.debugDescription) to be rejected, got \(value)")
            return nil
        } catch {
            return error
        }
    }

    @Test("rejects malformed input at the right byte offset", arguments: [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("[1,2,]", 5, "unexpected character"),
        ("{\"a\":1,}", 7, "expected a member name"),
        ("[1,2", 4, "unexpected end of input"),
        ("{\"a\" 1}", 5, "expected `:`"),
        ("{\"a\":1 \"b\":2}", 7, "expected `,` or `}`"),
        ("[1 2]", 3, "expected `,` or `]`"),
        ("\"abc", 4, "unterminated string"),
        ("\"a\\qb\"", 4, "invalid escape"),
        ("\"\\u12G4\"", 5, "invalid unicode escape"),
        ("\"\\ud800\"", 7, "unpaired surrogate"),
        ("\"\\udc00\"", 7, "unpaired surrogate"),
        ("\"\\ud800\\u0041\"", 13, "unpaired surrogate"),
        ("tru", 0, "unexpected end of input"),
        ("nul1", 0, "invalid literal"),
        ("01", 1, "unexpected data after the value"),
        ("-", 1, "invalid number"),
        ("1.", 2, "invalid number"),
        ("1e+", 3, "invalid number"),
        ("+1", 0, "unexpected character"),
        ("{} {}", 3, "unexpected data after the value"),
        ("{'a':1}", 1, "expected a member name"),
    ])
    func rejects(text: String, offset: Int, reason: String) {
        guard let error = failure(text) else { return }
        #expect(error.offset == offset)
        #expect(error.reason == reason)
    }

    @Test("rejects raw control characters inside strings")
    func rejectsControlCharacters() {
        let error = failure("[\"a\u{01}b\"]")
        #expect(error?.offset == 3)
        #expect(error?.reason == "control character in string")
        #expect(failure("\"tab\there\"")?.reason == "control character in string")
        #expect(failure("\"a\\n\nb\"")?.reason == "control character in string")
    }

    @Test("rejects invalid utf-8 given as bytes")
    func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22] as [UInt8]) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x22] as [UInt8]) }
        #expect((try? JSONValue(parsing: Array("\"é\"".utf8))) == .string("é"))
    }

    @Test("accepts nesting to depth 64 and refuses depth 65")
    func depthLimit() throws {
        #expect(JSONValue.maximumDepth == 64)
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONValue(parsing: deepest)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = failure(tooDeep)
        #expect(error?.reason == "nesting deeper than 64")
        #expect(error?.offset == 64)
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(failure(objects)?.reason == "nesting deeper than 64")
        // Far deeper input must fail cleanly, not exhaust the stack.
        #expect(failure(String(repeating: "[", count: 100_000))?.reason == "nesting deeper than 64")
    }

    @Test("never traps on truncated or mutated input")
    func neverTraps() {
        let document = #"{"a":[1,-2.5e+3,true,false,null],"b":"x\"\\\u00e9\ud83d\ude00é","c":{"d":[]}}"#
        let bytes = Array(document.utf8)
        var outcomes = 0
        for end in 0...bytes.count {
            outcomes += (try? JSONValue(parsing: bytes[0..<end])) == nil ? 0 : 1
        }
        #expect(outcomes == 1, "only the whole document parses")
        let replacements: [UInt8] = [0x00, 0x1F, 0x22, 0x2C, 0x2D, 0x30, 0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x75, 0xC3, 0xFF]
        for index in bytes.indices {
            for replacement in replacements {
                var mutated = bytes
                mutated[index] = replacement
                _ = try? JSONValue(parsing: mutated)
            }
            var shortened = bytes
            shortened.remove(at: index)
            _ = try? JSONValue(parsing: shortened)
        }
    }

    @Test("error descriptions name the offset")
    func errorDescription() {
        #expect(failure("[1,]")?.description == "invalid json at byte 3: unexpected character")
    }
}
