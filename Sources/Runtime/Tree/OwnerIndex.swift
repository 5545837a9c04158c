import OCPP

/// Finds the first owner rule that matches a user without scanning every rule.
///
/// Owner rules are first-match-wins. Rules of the common shapes (`idTag == "X"`, `idTag in LIST`,
/// `idTag matches "PREFIX*"`, and `or`s of those) go into a hash map and a prefix trie that give,
/// for one idTag, the earliest such rule that matches; only the few rules of other shapes that
/// stand before it are tested one by one.
public struct OwnerIndex: Sendable {
    /// Position (in `CompiledPolicy.ownerRules`) of the earliest exact rule per idTag, ASCII case
    /// folded: a byte table, as this lookup runs for every message with an idTag.
    private var exact = ByteStringTable([], ignoringASCIICase: true)
    /// The prefix rules, for the earliest whose prefix the idTag has.
    private var prefixes = PrefixTrie([])
    /// Positions of rules of any other shape, ascending; tested in order.
    private(set) var others: [Int] = []

    /// Builds the index of `rules`.
    public init(rules: [OwnerNode]) {
        var exactEntries: [(key: String, value: Int)] = []
        var prefixEntries: [(prefix: String, position: Int)] = []
        for (position, rule) in rules.enumerated() {
            guard let condition = rule.condition, let keys = Self.indexableKeys(condition) else {
                others.append(position)
                continue
            }
            for key in keys {
                switch key {
                case .exact(let value): exactEntries.append((value, position))
                case .prefix(let prefix): prefixEntries.append((prefix, position))
                }
            }
        }
        // Positions ascend, and the table keeps a key's first value: the earliest rule.
        exact = ByteStringTable(exactEntries, ignoringASCIICase: true)
        prefixes = PrefixTrie(prefixEntries)
    }

    private enum Key {
        case exact(String)
        case prefix(String)
    }

    /// The idTag values or prefixes that make the condition true, if it is of an indexable shape.
    private static func indexableKeys(_ predicate: Predicate) -> [Key]? {
        switch predicate {
        case .or(let parts):
            var keys: [Key] = []
            for part in parts {
                guard let partKeys = indexableKeys(part) else { return nil }
                keys += partKeys
            }
            return keys
        case .test(.contextIdTag, .equal(.string(let value), true)):
            return [.exact(value)]
        case .test(.contextIdTag, .memberOf(_, _, let folded, true)):
            return folded.map { .exact($0.value) }
        case .test(.contextIdTag, .glob(let glob)) where glob.caseInsensitive:
            if glob.isLiteral { return [.exact(glob.pattern)] }
            if let prefix = glob.literalPrefix { return [.prefix(prefix)] }
            return nil
        default:
            return nil
        }
    }

    /// The earliest indexed rule position that matches `idTag`, or `Int.max`.
    func earliestIndexedMatch(_ idTag: String) -> Int {
        var idTag = idTag
        // A closure, not `withUTF8(earliestIndexedMatch(utf8:))`: that partial application copies
        // the whole index (every table retained and released) on each call.
        return idTag.withUTF8 { earliestIndexedMatch(utf8: $0) }
    }

    private func earliestIndexedMatch(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int {
        min(exact.value(forUTF8: bytes) ?? .max, prefixes.earliestMatch(utf8: bytes))
    }
}

extension GlobPattern {
    /// For a pattern `PREFIX*` (one star, at the end, no `?`): the prefix.
    var literalPrefix: String? {
        guard pattern.hasSuffix("*") else { return nil }
        let prefix = pattern.dropLast()
        guard !prefix.contains("*"), !prefix.contains("?") else { return nil }
        return String(prefix)
    }
}
