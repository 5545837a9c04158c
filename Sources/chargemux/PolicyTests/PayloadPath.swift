import OCPP

/// A path into a payload, `chargingStation.modem.iccid` or `meterValue[0].timestamp`.
struct PayloadPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    var segments: [Segment]
    let description: String

    /// Parses `a.b[0].c`; `nil` when malformed (empty segments, a bad index).
    init?(_ text: String) {
        var segments: [Segment] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            guard !name.isEmpty else { return nil }
            segments.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0
                else { return nil }
                segments.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        guard !segments.isEmpty else { return nil }
        self.segments = segments
        self.description = text
    }

    /// The member names only, as the catalog and the redactor name fields (`meterValue.timestamp`).
    var fieldNames: [String] {
        segments.compactMap { if case .key(let name) = $0 { name } else { nil } }
    }

    /// The value at this path, if present.
    func value(in payload: JSONValue) -> JSONValue? {
        var current = payload
        for segment in segments {
            switch segment {
            case .key(let name):
                guard let member = current[name] else { return nil }
                current = member
            case .index(let index):
                guard let elements = current.arrayValue, index < elements.count else { return nil }
                current = elements[index]
            }
        }
        return current
    }
}

extension JSONValue {
    /// Equality where numbers compare by value (`1` equals `1.0`), as a YAML author means it.
    func matches(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.number, .number): return doubleValue == other.doubleValue
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.matches($1) }
        case (.object(let left), .object(let right)):
            guard left.members.count == right.members.count else { return false }
            return left.members.allSatisfy { member in right[member.key].map { member.value.matches($0) } ?? false }
        default: return self == other
        }
    }
}
