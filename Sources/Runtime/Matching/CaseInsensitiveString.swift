/// A string that hashes and compares ignoring ASCII case, as OCPP's CiString values do.
///
/// Wrapping a message's string costs nothing, so set lookups of idTags allocate nothing. Non-ASCII
/// letters compare exactly: OCPP identifiers are ASCII in practice, and folding Unicode case would
/// allocate on every lookup.
public struct CaseInsensitiveString: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { value }

    public static func == (lhs: CaseInsensitiveString, rhs: CaseInsensitiveString) -> Bool {
        equalIgnoringASCIICase(lhs.value, rhs.value)
    }

    /// Folds the case-folded bytes with FNV-1a and feeds the hasher once: feeding it byte by byte
    /// costs a SipHash round per byte on every idTag lookup.
    public func hash(into hasher: inout Hasher) {
        var value = value
        let folded = value.withUTF8 { buffer -> UInt64 in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in buffer {
                hash = (hash ^ UInt64(asciiLowercased(byte))) &* 0x0000_0100_0000_01B3
            }
            return hash
        }
        hasher.combine(folded)
    }
}

/// Whether two strings are equal ignoring ASCII case.
public func equalIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { left in
        rhs.withUTF8 { right in
            guard left.count == right.count else { return false }
            for index in 0..<left.count where asciiLowercased(left[index]) != asciiLowercased(right[index]) {
                return false
            }
            return true
        }
    }
}
