/// The start of an OCPP-J frame, `[type, "id", …`: its message type and id, read without
/// parsing the rest. For the hot paths that only need to match an answer to a call.
///
/// An id with an escape in it is read up to the escape's quote, which no id this gateway or its
/// load generator makes has; a frame whose head does not match is left to the full parse.
public struct OCPPFrameHead: Sendable, Equatable {
    /// 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR); any digit the text has there.
    public var type: Int
    public var id: Substring

    public init?(_ text: String) {
        guard let found = Self.locate(in: text.utf8) else { return nil }
        type = found.type
        id = Substring(text.utf8[found.id])
    }

    /// A CALLRESULT or CALLERROR.
    public var isAnswer: Bool { type == 3 || type == 4 }

    /// The type and where the id's bytes are, in a frame's UTF-8 bytes: what ``init(_:)`` reads,
    /// for callers that hold bytes rather than a `String` (a NIO `ByteBuffer`'s view).
    @inlinable
    public static func locate<Bytes: Collection>(in bytes: Bytes) -> (type: Int, id: Range<Bytes.Index>)?
    where Bytes.Element == UInt8 {
        var index = bytes.startIndex
        func skipSpace() {
            while index < bytes.endIndex, [0x20, 0x0A, 0x09, 0x0D].contains(bytes[index]) { index = bytes.index(after: index) }
        }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.endIndex, bytes[index] == byte else { return false }
            index = bytes.index(after: index)
            return true
        }
        guard expect(UInt8(ascii: "[")) else { return nil }
        skipSpace()
        guard index < bytes.endIndex, (0x30...0x39).contains(bytes[index]) else { return nil }
        let type = Int(bytes[index] - 0x30)
        index = bytes.index(after: index)
        guard expect(UInt8(ascii: ",")), expect(UInt8(ascii: "\"")) else { return nil }
        let start = index
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return (type, start..<end)
    }
}
