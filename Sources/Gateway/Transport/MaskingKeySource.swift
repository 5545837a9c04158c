#if canImport(Glibc)
import Glibc
#endif

/// Masking keys for the frames a client sends (RFC 6455 §5.3), drawn from the system's strong
/// random source in blocks: one read of `/dev/urandom` yields ``keysPerRefill`` keys, where
/// `WebSocketMaskingKey.random()` makes a system call for every frame. A key is 4 raw bytes, as
/// ``WebSocketFrameBytes`` writes and applies it.
///
/// Not thread-safe: each connection handler owns one, on its event loop.
struct MaskingKeySource {
    /// Keys drawn per system call.
    static let keysPerRefill = 128

    private var pool: [UInt8] = []
    private var next = 0

    /// The next key, unpredictable to the peer as the RFC asks: its 4 bytes in memory order.
    mutating func key() -> UInt32 {
        if next + 4 > pool.count {
            fillPool()
            next = 0
        }
        defer { next += 4 }
        return pool.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: next, as: UInt32.self) }
    }

    private mutating func fillPool() {
        let count = Self.keysPerRefill * 4
        if pool.count != count { pool = [UInt8](repeating: 0, count: count) }
        #if canImport(Glibc)
        if let device = Self.urandom {
            var filled = 0
            pool.withUnsafeMutableBytes { buffer in
                while filled < count {
                    let got = read(device, buffer.baseAddress! + filled, count - filled)
                    if got > 0 { filled += got } else if got == 0 || errno != EINTR { break }
                }
            }
            if filled == count { return }
        }
        #endif
        var generator = SystemRandomNumberGenerator()
        for index in pool.indices { pool[index] = generator.next() }
    }

    #if canImport(Glibc)
    /// `/dev/urandom`, opened once for the process; `nil` if it cannot be opened.
    private static let urandom: Int32? = {
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        return descriptor >= 0 ? descriptor : nil
    }()
    #endif
}
