/// A read-only map from strings to integers that hashes and compares UTF-8 bytes, optionally
/// ignoring ASCII case.
///
/// For identifiers looked up on every message (action names, idTags) this is several times
/// cheaper than `Dictionary<String, Int>`, which hashes with SipHash and compares through the
/// Unicode-aware `String ==`. Keys match byte for byte (after ASCII folding when asked), which is
/// what OCPP's identifiers mean: they are ASCII, and OCPP-J compares action names exactly. A
/// lookup allocates nothing.
public struct ByteStringTable: Sendable {
    /// Whether `A`-`Z` match `a`-`z`.
    public let ignoresASCIICase: Bool
    /// Open addressing with linear probing: an entry index per slot, -1 for empty. A power of two
    /// at most half full, so probes stay short.
    private let slots: [Int32]
    private let entries: [Entry]
    /// Every key's bytes, folded when `ignoresASCIICase`, one after the other.
    private let bytes: [UInt8]

    /// One key: where its bytes are, its hash (compared before the bytes) and its value.
    private struct Entry: Sendable {
        var hash: UInt64
        var start: Int32
        var count: Int32
        var value: Int
    }

    /// A table of `entries`; when a key occurs twice (after folding), the first value counts.
    public init(_ entries: [(key: String, value: Int)], ignoringASCIICase: Bool = false) {
        self.ignoresASCIICase = ignoringASCIICase
        var table: [Entry] = []
        var bytes: [UInt8] = []
        var seen: Set<[UInt8]> = []
        for (key, value) in entries {
            let folded = ignoringASCIICase ? key.utf8.map(Self.asciiLowercased) : Array(key.utf8)
            guard seen.insert(folded).inserted else { continue }
            let hash = folded.withUnsafeBufferPointer { Self.hash($0, fold: false) }
            table.append(Entry(hash: hash, start: Int32(bytes.count), count: Int32(folded.count), value: value))
            bytes += folded
        }
        var capacity = 8
        while capacity < 2 * table.count { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, entry) in table.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.slots = slots
        self.entries = table
        self.bytes = bytes
    }

    /// The number of distinct keys.
    public var count: Int { entries.count }

    /// The value of `key`, if it is in the table.
    public func value(for key: String) -> Int? {
        if let found = key.utf8.withContiguousStorageIfAvailable({ value(forUTF8: $0) }) { return found }
        // Only strings without contiguous UTF-8 (bridged ones) get here.
        return Array(key.utf8).withUnsafeBufferPointer { value(forUTF8: $0) }
    }

    /// The value of the key whose UTF-8 bytes are `key`, if it is in the table.
    public func value(forUTF8 key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(key, fold: ignoresASCIICase)
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                bytes.withUnsafeBufferPointer { bytes in
                    let mask = slots.count - 1
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let index = Int(slots[slot])
                        if index < 0 { return nil }
                        let entry = entries[index]
                        if entry.hash == hash, Int(entry.count) == key.count,
                            Self.equal(key, UnsafeBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.start + entry.count)]),
                                       fold: ignoresASCIICase) {
                            return entry.value
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Whether `key` (folded when `fold`) equals the stored bytes, which have the same count.
    @inline(__always)
    private static func equal(_ key: UnsafeBufferPointer<UInt8>, _ stored: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        if fold {
            for offset in 0..<key.count where asciiLowercased(key[offset]) != stored[offset] { return false }
        } else {
            for offset in 0..<key.count where key[offset] != stored[offset] { return false }
        }
        return true
    }

    /// FNV-1a over the (folded) bytes: short identifiers hash in a few cycles per byte.
    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>, fold: Bool) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        if fold {
            for byte in key { hash = (hash ^ UInt64(asciiLowercased(byte))) &* 0x0000_0100_0000_01B3 }
        } else {
            for byte in key { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        // A multiply carries only upwards, so the low bits (the slot) would see only the low bits
        // of each byte: fold the high half in.
        return hash ^ (hash >> 32)
    }

    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
