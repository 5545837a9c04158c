/// Random version-4 UUIDs as lowercase text, for the message ids of queued copies.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every id: three
/// system calls on the store's writer thread for each queued copy. The system generator reads
/// the kernel's `getrandom` directly.
enum RandomMessageId {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A new random id: 36 characters, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & ~0xF000) | 0x4000 // version 4
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48) // variant 10
        let digits = Self.hexDigits
        var text = [UInt8]()
        text.reserveCapacity(36)
        for nibble in 0..<32 {
            if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 { text.append(UInt8(ascii: "-")) }
            let word = nibble < 16 ? high : low
            text.append(digits[Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
