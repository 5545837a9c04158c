import Yams

/// A YAML mapping whose keys were checked against the keys allowed at its place.
struct MappingReader {
    /// The mapping node.
    let node: Node
    /// Where the mapping is, like `backends[1]`; empty for the document root.
    let keyPath: String
    private let entries: [String: (key: Node, value: Node)]

    init(node: Node, keyPath: String, entries: [String: (key: Node, value: Node)]) {
        self.node = node
        self.keyPath = keyPath
        self.entries = entries
    }

    /// The value under `key`.
    func value(_ key: String) -> Node? { entries[key]?.value }

    /// The key node of `key`, for pointing at the key rather than its value.
    func keyNode(_ key: String) -> Node? { entries[key]?.key }

    /// The key path of `key` inside this mapping, like `backends[1].url`.
    func path(_ key: String) -> String { keyPath.isEmpty ? key : keyPath + "." + key }

    /// `` `backends[1]` `` for messages, or `the configuration` at the root.
    var place: String { keyPath.isEmpty ? "the configuration" : "`\(keyPath)`" }
}

extension ConfigDecoder {
    /// Reads `node` as a mapping whose keys must be among `known`; reports a wrong type, unknown
    /// keys (with the nearest known key as help) and non-string keys. `nil` if not a mapping.
    func mapping(_ node: Node, keyPath: String, known: [String]?) -> MappingReader? {
        guard case .mapping(let mapping) = node else {
            let what = keyPath.isEmpty ? "the configuration" : "`\(keyPath)`"
            report(.wrongType, "\(what) must be a mapping of keys, found \(node.kindDescription)",
                   at: node, keyPath: keyPath)
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(.wrongType, "keys must be strings, found \(key.kindDescription)", at: key, keyPath: keyPath)
                continue
            }
            if let known, !known.contains(scalar.string) {
                reportUnknownKey(scalar.string, at: key, in: keyPath, known: known)
                continue
            }
            if entries[scalar.string] == nil { entries[scalar.string] = (key, value) }
        }
        return MappingReader(node: node, keyPath: keyPath, entries: entries)
    }

    private func reportUnknownKey(_ key: String, at node: Node, in keyPath: String, known: [String]) {
        let help = Levenshtein.nearest(to: key, in: known).map { "did you mean `\($0)`?" }
            ?? "known keys here: " + known.map { "`\($0)`" }.joined(separator: ", ")
        let place = keyPath.isEmpty ? "at the top level" : "in `\(keyPath)`"
        report(.unknownKey, "unknown key `\(key)` \(place)", at: node, keyPath: keyPath.isEmpty ? key : keyPath + "." + key,
               help: help)
    }
}
