import OCPP
import Testing

/// Parsing then serialising gives the sender's bytes back, and values read as expected.
@Suite("JSON round trips")
struct JSONValueRoundTripTests {
    @Test("compact documents survive parse and serialise byte for byte", arguments: [
        #"{"b":1,"a":[true,false,null],"c":{"z":"y","a":"b"}}"#,
        #"[1.50,-3e2,0,1E+2,-0.0,12345678901234567890123,0.000001]"#,
        #"{"s":"a\"b\\c\n\r\t\b\f\u0001"}"#,
        #"["é","😀","日本語",""]"#,
        #"[]"#,
        #"{}"#,
        #""just a string""#,
        #"null"#,
        #"[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]"#,
    ])
    func roundTrip(text: String) throws {
        #expect(try JSONValue(parsing: text).serialized == text)
    }

    @Test("object members keep their order")
    func keyOrder() throws {
        let value = try JSONValue(parsing: #"{"zeta":1,"alpha":2,"mid":3}"#)
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
    }

    @Test("numbers keep their literal text")
    func numbersVerbatim() throws {
        let value = try JSONValue(parsing: "[1.50, 1e2, -0, 7]")
        #expect(value == .array([.number("1.50"), .number("1e2"), .number("-0"), .number("7")]))
        #expect(value.arrayValue?[0].doubleValue == 1.5)
        #expect(value.arrayValue?[3].intValue == 7)
        #expect(value.arrayValue?[0].intValue == nil)
    }

    @Test("escapes decode and re-encode minimally")
    func escapes() throws {
        let value = try JSONValue(parsing: #""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20ac""#)
        #expect(value == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t Aé€"))
        #expect(value.serialized == #""q\" b\\ s/ \b\f\n\r\t Aé€""#)
        #expect(JSONValue.string("\u{1F}").serialized == #""\u001f""#)
    }

    @Test("surrogate pairs decode to one scalar")
    func surrogatePairs() throws {
        let value = try JSONValue(parsing: #""\ud83d\ude00 \uD834\uDD1E""#)
        #expect(value == .string("😀 𝄞"))
        #expect(value.stringValue?.unicodeScalars.count == 3)
        #expect(value.serialized == "\"😀 𝄞\"")
    }

    @Test("whitespace around and inside is accepted and dropped")
    func whitespace() throws {
        let value = try JSONValue(parsing: " \n\t{ \"a\" : [ 1 , 2 ] }\r\n ")
        #expect(value.serialized == #"{"a":[1,2]}"#)
    }

    @Test("literals build the same values as parsing")
    func literals() throws {
        let built: JSONValue = ["idTag": "ABC", "n": 3, "ok": true, "list": [1, .null]]
        #expect(try JSONValue(parsing: #"{"idTag":"ABC","n":3,"ok":true,"list":[1,null]}"#) == built)
    }

    @Test("object member assignment replaces, appends and removes")
    func objectMutation() {
        var object = JSONObject([(key: "a", value: 1), (key: "b", value: 2)])
        object["a"] = 9
        object["c"] = 3
        object["b"] = nil
        #expect(JSONValue.object(object).serialized == #"{"a":9,"c":3}"#)
    }
}
