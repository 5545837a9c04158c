import Yams

extension Node {
    /// What kind of value this is, for messages: `a string`, `an integer`, `a list`, ...
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case .null: return "nothing (null)"
            case .int: return "an integer"
            case .float: return "a number"
            case .bool: return "a boolean"
            case .timestamp: return "a timestamp"
            default: return "a string"
            }
        }
    }

    /// Whether this is a null scalar (`~`, `null` or an empty value).
    var isNull: Bool {
        if case .scalar = self { tagName == .null } else { false }
    }
}

extension Node {
    /// The resolved tag's name (`tag:yaml.org,2002:int`, ...).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
