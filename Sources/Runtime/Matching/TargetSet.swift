/// A set of backends by index, as one machine word: routing decisions allocate nothing.
public struct TargetSet: Sendable, Hashable, Sequence, CustomStringConvertible {
    /// The most backends one policy may have.
    public static let capacity = 64

    public private(set) var bits: UInt64

    public init(bits: UInt64 = 0) { self.bits = bits }

    /// Every backend of `count`.
    public static func all(count: Int) -> TargetSet {
        TargetSet(bits: count >= 64 ? .max : (UInt64(1) << UInt64(count)) - 1)
    }

    public var isEmpty: Bool { bits == 0 }
    public var count: Int { bits.nonzeroBitCount }

    public func contains(_ backend: Int) -> Bool { bits & (1 << UInt64(backend)) != 0 }

    public mutating func insert(_ backend: Int) { bits |= 1 << UInt64(backend) }

    public mutating func formUnion(_ other: TargetSet) { bits |= other.bits }

    public func makeIterator() -> Iterator { Iterator(remaining: bits) }

    /// Backend indices in ascending order.
    public struct Iterator: IteratorProtocol {
        var remaining: UInt64

        public mutating func next() -> Int? {
            guard remaining != 0 else { return nil }
            let index = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return index
        }
    }

    public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
