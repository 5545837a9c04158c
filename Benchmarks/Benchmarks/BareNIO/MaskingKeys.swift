import NIOWebSocket

/// Masking keys for a client's frames from a xorshift generator seeded once from the system's
/// random source: the bare tools measure the cost of moving frames, and a system call per frame
/// (`WebSocketMaskingKey.random()`) would add one the gateway does not make (it reads its keys
/// in blocks).
public struct MaskingKeys {
    private var state = UInt64.random(in: 1 ... .max)

    public init() {}

    public mutating func next() -> WebSocketMaskingKey {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return withUnsafeBytes(of: UInt32(truncatingIfNeeded: state)) { WebSocketMaskingKey($0)! }
    }
}
