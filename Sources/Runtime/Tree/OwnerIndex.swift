/// Finds the first owner rule that matches a user without scanning every rule.
///
/// Owner rules are first-match-wins. Rules of the common shapes (`idTag == "X"`, `idTag in LIST`,
/// `idTag matches "PREFIX*"`, and `or`s of those) go into a hash map and a prefix trie that give,
/// for one idTag, the earliest such rule that matches; only the few rules of other shapes that
/// stand before it are tested one by one.
public struct OwnerIndex: Sendable {
    /// Position (in `CompiledPolicy.ownerRules`) of the earliest exact rule per idTag.
    private var exact: [CaseInsensitiveString: Int] = [:]
    /// A trie over ASCII-folded idTag bytes; each node knows the earliest prefix rule ending there.
    private var trie: [TrieNode] = [TrieNode()]
    /// Positions of rules of any other shape, ascending; tested in order.
    private(set) var others: [Int] = []

    /// Children are a short array scanned linearly: idTag prefixes fan out to a handful of
    /// characters per node, where a scan beats hashing every byte.
    private struct TrieNode: Sendable {
        var childBytes: [UInt8] = []
        var childNodes: [Int32] = []
        var rule: Int = .max

        func child(_ byte: UInt8) -> Int32? {
            for index in childBytes.indices where childBytes[index] == byte { return childNodes[index] }
            return nil
        }
    }

    /// Builds the index of `rules`.
    public init(rules: [OwnerNode]) {
        for (position, rule) in rules.enumerated() {
            guard let condition = rule.condition, let keys = Self.indexableKeys(condition) else {
                others.append(position)
                continue
            }
            for key in keys {
                switch key {
                case .exact(let value):
                    let folded = CaseInsensitiveString(value)
                    if exact[folded] == nil { exact[folded] = position }
                case .prefix(let prefix):
                    insert(prefix: prefix, position: position)
                }
            }
        }
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

    private mutating func insert(prefix: String, position: Int) {
        var node = 0
        for byte in prefix.utf8 {
            let folded = asciiLowercased(byte)
            if let next = trie[node].child(folded) {
                node = Int(next)
            } else {
                trie.append(TrieNode())
                trie[node].childBytes.append(folded)
                trie[node].childNodes.append(Int32(trie.count - 1))
                node = trie.count - 1
            }
        }
        trie[node].rule = min(trie[node].rule, position)
    }

    /// The earliest indexed rule position that matches `idTag`, or `Int.max`.
    func earliestIndexedMatch(_ idTag: String) -> Int {
        var best = exact[CaseInsensitiveString(idTag)] ?? .max
        var node = 0
        best = min(best, trie[0].rule)
        var idTag = idTag
        idTag.withUTF8 { bytes in
            for byte in bytes {
                guard let next = trie[node].child(asciiLowercased(byte)) else { return }
                node = Int(next)
                best = min(best, trie[node].rule)
            }
        }
        return best
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
