import Yams

extension ConfigDecoder {
    /// The node under `key`; reports a missing key if `required` and absent.
    func node(_ key: String, in map: MappingReader, required: Bool = false) -> Node? {
        if let value = map.value(key) { return value }
        if required {
            let help = Self.examples[key].map { "add `\($0)`" }
            report(.missingKey, "missing required key `\(key)` in \(map.place)", at: map.node,
                   keyPath: map.path(key), help: help)
        }
        return nil
    }

    /// The text of a non-null scalar under `key`. Any scalar counts (`id: 42` reads `42`); the
    /// value is never quoted in messages, so this is safe for secrets.
    func string(_ key: String, in map: MappingReader, required: Bool = false) -> Field<String> {
        guard let node = node(key, in: map, required: required) else { return .absent }
        guard case .scalar(let scalar) = node, !node.isNull else {
            report(.wrongType, "`\(map.path(key))` must be a string, found \(node.kindDescription)",
                   at: node, keyPath: map.path(key))
            return .invalid
        }
        return .present(scalar.string, node)
    }

    /// A non-empty string under `key`.
    func nonEmptyString(_ key: String, in map: MappingReader, required: Bool = false) -> Field<String> {
        string(key, in: map, required: required).flatMap { text, node in
            guard text.isEmpty else { return text }
            report(.invalidValue, "`\(map.path(key))` is empty", at: node, keyPath: map.path(key))
            return nil
        }
    }

    /// An integer under `key` within `range`; `unit` names what it counts, for messages.
    func integer(
        _ key: String, in map: MappingReader, range: ClosedRange<Int>, unit: String = "", required: Bool = false
    ) -> Field<Int> {
        guard let node = node(key, in: map, required: required) else { return .absent }
        let path = map.path(key)
        guard node.tagName == .int, let value = node.int else {
            let quoted = node.scalar.map { $0.style != .plain && Int($0.string) != nil } ?? false
            report(.wrongType, "`\(path)` must be an integer, found \(node.kindDescription)", at: node,
                   keyPath: path, help: quoted ? "remove the quotes around the number" : nil)
            return .invalid
        }
        guard range.contains(value) else {
            let suffix = unit.isEmpty ? "" : " " + unit
            report(.invalidValue,
                   "`\(path)` must be between \(range.lowerBound) and \(range.upperBound)\(suffix), found `\(value)`",
                   at: node, keyPath: path)
            return .invalid
        }
        return .present(value, node)
    }

    /// A boolean (`true`/`false`) under `key`.
    func boolean(_ key: String, in map: MappingReader) -> Field<Bool> {
        guard let node = node(key, in: map) else { return .absent }
        guard node.tagName == .bool, let value = node.bool else {
            report(.wrongType, "`\(map.path(key))` must be `true` or `false`, found \(node.kindDescription)",
                   at: node, keyPath: map.path(key))
            return .invalid
        }
        return .present(value, node)
    }

    /// A list under `key`: its items with their key paths (`key[i]`).
    func list(_ key: String, in map: MappingReader, required: Bool = false) -> Field<[(Node, String)]> {
        guard let node = node(key, in: map, required: required) else { return .absent }
        guard case .sequence(let sequence) = node else {
            report(.wrongType, "`\(map.path(key))` must be a list, found \(node.kindDescription)",
                   at: node, keyPath: map.path(key), help: "start each entry with `- `")
            return .invalid
        }
        return .present(sequence.enumerated().map { ($1, "\(map.path(key))[\($0)]") }, node)
    }

    /// Examples for "add `…`" help on missing keys.
    static let examples: [String: String] = [
        "listen": "listen: [{ address: 127.0.0.1:8180 }]",
        "policy": "policy: site.policy",
        "backends": "backends: [{ name: billing, url: ws://127.0.0.1:9001/ocpp }]",
        "address": "address: 127.0.0.1:8180",
        "name": "name: billing",
        "url": "url: ws://127.0.0.1:9001/ocpp",
        "id": "id: CP1",
        "certificate": "certificate: certs/gateway.pem",
        "privateKey": "privateKey: certs/gateway.key",
        "clientCA": "clientCA: certs/chargepoint-ca.pem",
    ]
}
