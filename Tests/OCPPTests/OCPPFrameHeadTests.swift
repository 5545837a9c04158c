import OCPP
import Testing

@Suite("OCPPFrameHead: a frame's type and id without parsing the rest")
struct OCPPFrameHeadTests {
    @Test("type and id of compact and spaced frames", arguments: [
        (#"[3,"42",{"status":"Accepted"}]"#, 3, "42"),
        (#"[ 4 , "a-b" , "NotImplemented", "", {}]"#, 4, "a-b"),
        ("[\n2,\t\"id-1\",\"Heartbeat\",{}]", 2, "id-1"),
    ])
    func reads(text: String, type: Int, id: String) throws {
        let head = try #require(OCPPFrameHead(text))
        #expect(head.type == type)
        #expect(head.id == id)
        #expect(head.isAnswer == (type != 2))
    }

    @Test("the same head from the bytes: type and the id's byte range")
    func locatesInBytes() throws {
        let bytes = Array(#"[ 4 , "a-b" , "NotImplemented", "", {}]"#.utf8)
        let found = try #require(OCPPFrameHead.locate(in: bytes))
        #expect(found.type == 4)
        #expect(Array(bytes[found.id]) == Array("a-b".utf8))
        #expect(OCPPFrameHead.locate(in: Array("[3,42,{}]".utf8)) == nil)
    }

    @Test("not a frame's head: nil", arguments: ["", "{}", "[\"3\",\"x\"]", "[3,42,{}]", "[3,\"unterminated"])
    func rejects(text: String) {
        #expect(OCPPFrameHead(text) == nil)
    }
}
