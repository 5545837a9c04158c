/// Copies of a frame under another message id, spliced from the frame's own text.
///
/// A text without whitespace between tokens and without escapes in its strings is exactly what
/// ``OCPPFrame/serialized`` writes for the frame it parses to (members in order, numbers as they
/// were written). The payload of such a text can be copied as is: the result is byte for byte the
/// serialized frame, without walking and rewriting the payload.
extension OCPPFrame {
    /// The payload's text within `text`, the frame's own JSON text (which parsed as `self`), when
    /// `text` is compact as the serializer writes it; `nil` otherwise and for a CALLERROR.
    public func compactPayloadText(in text: String) -> Substring? {
        let prefix: Int
        switch self {
        case .call(let id, let action, _): prefix = id.utf8.count + action.utf8.count + 6  // "id","action",
        case .callResult(let id, _): prefix = id.utf8.count + 3  // "id",
        case .callError: return nil
        }
        let utf8 = text.utf8
        let found: (start: Int, end: Int)?? = utf8.withContiguousStorageIfAvailable { bytes in
            guard Self.isCompact(bytes), let comma = bytes.firstIndex(of: UInt8(ascii: ",")) else { return nil }
            let start = comma + 1 + prefix, end = bytes.count - 1
            // The shape the parse guarantees, checked all the same: `{...}]` after the prefix.
            guard start < end, bytes[start] == UInt8(ascii: "{"), bytes[end] == UInt8(ascii: "]"),
                bytes[end - 1] == UInt8(ascii: "}")
            else { return nil }
            return (start, end)
        }
        guard let found, let found else { return nil }
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: found.start)..<utf8.index(utf8.startIndex, offsetBy: found.end)])
    }

    /// The text of `[2, id, action, payload]` from a payload's compact text
    /// (``compactPayloadText(in:)``): what ``serialized`` gives for that call.
    public static func callText(id: String, action: String, compactPayload payload: Substring) -> String {
        spliced(type: "[2,", id: id, action: action, payload: payload)
    }

    /// The text of `[3, id, payload]` from a payload's compact text (``compactPayloadText(in:)``):
    /// what ``serialized`` gives for that call result.
    public static func callResultText(id: String, compactPayload payload: Substring) -> String {
        spliced(type: "[3,", id: id, action: nil, payload: payload)
    }

    /// `type` (`[2,` or `[3,`), the id, the action if any and the payload, as the serializer writes them.
    private static func spliced(type: String, id: String, action: String?, payload: Substring) -> String {
        var text = type
        text.reserveCapacity(payload.utf8.count + id.utf8.count + (action?.utf8.count ?? 0) + 12)
        JSONValue.writeString(id, to: &text)
        text += ","
        if let action {
            JSONValue.writeString(action, to: &text)
            text += ","
        }
        text.append(contentsOf: payload)
        text += "]"
        return text
    }

    /// `payload`, a compact object's text (``compactPayloadText(in:)``), with the value of its
    /// first top-level member `key` replaced by `value` (compact JSON text): what serializing the
    /// object with that member set gives. `nil` when it has no such member.
    public static func replacingMember(_ key: String, in payload: Substring, with value: String) -> String? {
        let member = "\"" + key + "\":"
        let utf8 = payload.utf8
        let found: (start: Int, end: Int)?? = utf8.withContiguousStorageIfAvailable { bytes in
            member.utf8.withContiguousStorageIfAvailable { member in valueRange(of: member, in: bytes) } ?? nil
        }
        guard let found, let range = found else { return nil }
        let (start, end) = range
        let startIndex = utf8.index(utf8.startIndex, offsetBy: start), endIndex = utf8.index(utf8.startIndex, offsetBy: end)
        var text = ""
        text.reserveCapacity(utf8.count - (end - start) + value.utf8.count)
        text.append(contentsOf: payload[..<startIndex])
        text += value
        text.append(contentsOf: payload[endIndex...])
        return text
    }

    /// Where the value of the first top-level member whose `"key":` is `member` lies in a compact
    /// object's bytes (no escapes, so every `"` opens or closes a string).
    static func valueRange(of member: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        var depth = 0, inString = false, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                // A member's name: a string at depth 1 right after `{` or `,`.
                if depth == 1, bytes[index - 1] == UInt8(ascii: "{") || bytes[index - 1] == UInt8(ascii: ","),
                    index + member.count <= bytes.count,
                    UnsafeBufferPointer(rebasing: bytes[index..<index + member.count]).elementsEqual(member)
                {
                    let start = index + member.count
                    return (start, valueEnd(from: start, in: bytes))
                }
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
            }
            index += 1
        }
        return nil
    }

    /// The end of the value that starts at `start`: the `,` or `}` that closes its member.
    private static func valueEnd(from start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var depth = 0, inString = false, index = start
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                if depth == 0 { return index }
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                return index
            }
            index += 1
        }
        return index
    }

    /// Whether JSON bytes have no whitespace outside strings and no escapes (so no `"` inside a
    /// string either: every `"` opens or closes one).
    static func isCompact(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var inString = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): inString.toggle()
            case UInt8(ascii: "\\"): return false
            case 0x20, 0x0A, 0x0D, 0x09: if !inString { return false }
            default: break
            }
        }
        return true
    }
}
