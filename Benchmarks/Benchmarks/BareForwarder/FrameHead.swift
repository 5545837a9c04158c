import NIOCore

/// The head of an OCPP-J frame, `[type, "id", …`, read from the bytes without parsing JSON: all
/// the bare forwarder needs to send an answer back the way its call came.
struct FrameHead {
    /// 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR).
    var type: UInt8
    /// The message id's bytes, without the quotes.
    var id: ByteBuffer

    var isCall: Bool { type == 2 }

    /// Nil when the text does not start like an OCPP-J frame.
    init?(_ text: ByteBuffer) {
        let view = text.readableBytesView
        var index = view.startIndex
        func skipSpaces() { while index < view.endIndex, view[index] == UInt8(ascii: " ") { index += 1 } }
        skipSpaces()
        guard index < view.endIndex, view[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        skipSpaces()
        guard index < view.endIndex, (UInt8(ascii: "2")...UInt8(ascii: "4")).contains(view[index]) else { return nil }
        type = view[index] - UInt8(ascii: "0")
        index += 1
        skipSpaces()
        guard index < view.endIndex, view[index] == UInt8(ascii: ",") else { return nil }
        index += 1
        skipSpaces()
        guard index < view.endIndex, view[index] == UInt8(ascii: "\"") else { return nil }
        let idStart = index + 1
        guard let idEnd = view[idStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        id = text.getSlice(at: text.readerIndex + (idStart - view.startIndex), length: idEnd - idStart)!
    }
}
