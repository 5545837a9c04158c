import NIOCore
import NIOWebSocket

/// WebSocket frames (RFC 6455 §5.2) written as bytes by ``WebSocketConnectionHandler`` itself,
/// so they go to the transport without crossing NIO's `WebSocketFrameEncoder` (one pipeline hop,
/// one `WebSocketFrame` box and a byte-by-byte mask per message saved). Always a single, final
/// frame without extension data, as the encoder writes them for us.
enum WebSocketFrameBytes {
    /// The longest header: 2 bytes, an 8-byte length and a 4-byte masking key.
    static let maximumHeaderSize = 14

    /// An empty payload buffer with room for the longest header in front.
    static func payloadBuffer(capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: maximumHeaderSize + capacity)
        buffer.moveWriterIndex(forwardBy: maximumHeaderSize)
        buffer.moveReaderIndex(forwardBy: maximumHeaderSize)
        return buffer
    }

    /// Turns `buffer`, whose readable bytes are the payload with ``maximumHeaderSize`` bytes of
    /// room before them (``payloadBuffer(capacity:allocator:)``), into the whole frame: masks the
    /// payload with `maskKey` (the key's 4 bytes in memory order), if any, and writes the header in front.
    static func frame(_ buffer: inout ByteBuffer, opcode: WebSocketOpcode, maskKey: UInt32?) {
        let length = buffer.readableBytes
        let lengthSize = length > 0xFFFF ? 8 : length > 125 ? 2 : 0
        let headerSize = 2 + lengthSize + (maskKey == nil ? 0 : 4)
        precondition(buffer.readerIndex >= headerSize, "no room for the frame header")
        if let maskKey { mask(&buffer, key: maskKey) }
        var index = buffer.readerIndex - headerSize
        buffer.moveReaderIndex(to: index)
        index += buffer.setInteger(0x80 | UInt8(webSocketOpcode: opcode), at: index)  // FIN, no reserved bits
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        switch lengthSize {
        case 8:
            index += buffer.setInteger(maskBit | 127, at: index)
            index += buffer.setInteger(UInt64(length), at: index)
        case 2:
            index += buffer.setInteger(maskBit | 126, at: index)
            index += buffer.setInteger(UInt16(length), at: index)
        default:
            index += buffer.setInteger(maskBit | UInt8(length), at: index)
        }
        if let maskKey { buffer.setInteger(maskKey, at: index, endianness: .host) }
    }

    /// A frame of `payload`'s readable bytes, copied after room for the header (control frames).
    static func frame(opcode: WebSocketOpcode, payload: ByteBuffer, maskKey: UInt32?,
                      allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = payloadBuffer(capacity: payload.readableBytes, allocator: allocator)
        var payload = payload
        buffer.writeBuffer(&payload)
        frame(&buffer, opcode: opcode, maskKey: maskKey)
        return buffer
    }

    /// XORs the readable bytes with the key, eight at a time.
    static func mask(_ buffer: inout ByteBuffer, key: UInt32) {
        // The key twice: its bytes repeat in memory order on either endianness.
        let pattern = UInt64(key) | UInt64(key) << 32
        buffer.withUnsafeMutableReadableBytes { bytes in
            var index = 0
            while index + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                bytes.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
                index += 8
            }
            withUnsafeBytes(of: key) { key in
                while index < bytes.count {
                    bytes[index] ^= key[index & 3]
                    index += 1
                }
            }
        }
    }
}
