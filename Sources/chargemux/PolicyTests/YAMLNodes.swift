import OCPP
import Yams

/// Small readers over Yams nodes that keep positions for error messages.
extension Node {
    /// The resolved tag's name (`tag:yaml.org,2002:int`, ...).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// `a mapping`, `a list`, `the text "x"`, for messages.
    var kindDescription: String {
        switch self {
        case .scalar(let scalar):
            switch tagName {
            case .null: return "nothing (null)"
            case .bool: return "the boolean `\(scalar.string)`"
            case .int, .float: return "the number `\(scalar.string)`"
            default: return "the text `\(scalar.string)`"
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The scalar's text when this is a string-like scalar (not null, not a mapping or list).
    var text: String? {
        guard case .scalar(let scalar) = self, tagName != .null else { return nil }
        return scalar.string
    }

    /// Whether this is a plain (unquoted) scalar.
    var isPlainScalar: Bool {
        if case .scalar(let scalar) = self { return scalar.style == .plain || scalar.style == .any }
        return false
    }

    /// The node as a JSON value: mappings become objects, lists arrays, and scalars take the type
    /// YAML gives them (`1` a number, `true` a boolean, `~` null, `"1"` text).
    func jsonValue(file: String) throws(TestFileProblem) -> JSONValue {
        switch self {
        case .scalar(let scalar):
            switch tagName {
            case .null: return .null
            case .bool: return bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int:
                if let value = int { return .number(String(value)) }
                return .string(scalar.string)
            case .float:
                if Double(scalar.string) != nil { return .number(scalar.string) }
                if let value = float, value.isFinite { return .number(String(value)) }
                return .string(scalar.string)
            default:
                return .string(scalar.string)
            }
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for element in sequence { elements.append(try element.jsonValue(file: file)) }
            return .array(elements)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let name = key.text else {
                    throw TestFileProblem(file: file, at: key, "a json key must be text, found \(key.kindDescription)",
                                          help: "quote the key")
                }
                object.members.append((name, try value.jsonValue(file: file)))
            }
            return .object(object)
        case .alias:
            throw TestFileProblem(file: file, at: self, "yaml aliases are not supported in test files",
                                  help: "write the value out")
        }
    }
}

/// A mapping whose keys were checked against the keys allowed at its place.
struct CheckedMapping {
    let node: Node
    private(set) var entries: [(key: String, keyNode: Node, value: Node)] = []
    /// Keys that were reported as unknown (or not text).
    private(set) var unknownKeyCount = 0

    /// Reads `node` as a mapping with keys among `known`, reporting other keys and non-mappings.
    /// `nil` if `node` is not a mapping.
    init?(_ node: Node, what: String, known: [String], file: String, problems: inout [TestFileProblem]) {
        guard case .mapping(let mapping) = node else {
            problems.append(TestFileProblem(file: file, at: node, "\(what) must be a mapping of keys, found \(node.kindDescription)"))
            return nil
        }
        self.node = node
        for (key, value) in mapping {
            guard let name = key.text else {
                problems.append(TestFileProblem(file: file, at: key, "keys must be text, found \(key.kindDescription)"))
                unknownKeyCount += 1
                continue
            }
            guard known.contains(name) else {
                let help = nearestName(to: name, among: known).map { "did you mean `\($0)`?" }
                    ?? "the keys here are " + known.map { "`\($0)`" }.joined(separator: ", ")
                problems.append(TestFileProblem(file: file, at: key, "unknown key `\(name)` in \(what)", help: help))
                unknownKeyCount += 1
                continue
            }
            entries.append((name, key, value))
        }
    }

    /// The value under `key`.
    subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }

    /// The key node of `key`.
    func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }

    var isEmpty: Bool { entries.isEmpty }
}
