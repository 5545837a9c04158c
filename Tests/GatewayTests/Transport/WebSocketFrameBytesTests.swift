@testable import Gateway
import NIOCore
import NIOWebSocket
import Testing

/// Frames the connection handler writes as bytes itself: the RFC 6455 header, and a mask that
/// NIO's own unmasking undoes.
@Suite("WebSocket frames written as bytes")
struct WebSocketFrameBytesTests {
    private func frame(_ payload: [UInt8], opcode: WebSocketOpcode = .text, maskKey: UInt32?) -> [UInt8] {
        var buffer = WebSocketFrameBytes.payloadBuffer(capacity: payload.count, allocator: ByteBufferAllocator())
        buffer.writeBytes(payload)
        WebSocketFrameBytes.frame(&buffer, opcode: opcode, maskKey: maskKey)
        return Array(buffer.readableBytesView)
    }

    @Test("an unmasked frame is FIN, opcode, length and the payload as is")
    func unmasked() {
        #expect(frame(Array("hello".utf8), maskKey: nil) == [0x81, 5] + Array("hello".utf8))
        #expect(frame([], opcode: .ping, maskKey: nil) == [0x89, 0])
    }

    @Test("a masked frame has the length, the key and the masked payload", arguments: [0, 3, 8, 13, 125, 126, 300, 65_535, 65_536])
    func masked(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let key: UInt32 = 0x1234_5678
        let keyBytes = withUnsafeBytes(of: key) { Array($0) }
        let bytes = frame(payload, opcode: .binary, maskKey: key)
        #expect(bytes[0] == 0x82)
        #expect(bytes[1] & 0x80 == 0x80)
        var offset = 2
        switch bytes[1] & 0x7F {
        case 127:
            #expect(length > 65_535)
            #expect(bytes[2..<10].reduce(0) { $0 << 8 | Int($1) } == length)
            offset = 10
        case 126:
            #expect(length > 125 && length <= 65_535)
            #expect(bytes[2..<4].reduce(0) { $0 << 8 | Int($1) } == length)
            offset = 4
        case let short:
            #expect(Int(short) == length && length <= 125)
        }
        #expect(Array(bytes[offset..<offset + 4]) == keyBytes)
        var data = ByteBuffer(bytes: bytes[(offset + 4)...])
        data.webSocketMask(try #require(WebSocketMaskingKey(keyBytes)))
        #expect(Array(data.readableBytesView) == payload)
    }
}
