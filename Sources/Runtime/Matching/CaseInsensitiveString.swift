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

    public func hash(into hasher: inout Hasher) {
        var value = value
        value.withUTF8 { buffer in
            for byte in buffer { hasher.combine(asciiLowercased(byte)) }
        }
        hasher.combine(0xFF as UInt8)
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
