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
        var text = ""
        text.reserveCapacity(payload.utf8.count + id.utf8.count + action.utf8.count + 12)
        text += "[2,"
        JSONValue.writeString(id, to: &text)
        text += ","
        JSONValue.writeString(action, to: &text)
        text += ","
        text.append(contentsOf: payload)
        text += "]"
        return text
    }

    /// The text of `[3, id, payload]` from a payload's compact text (``compactPayloadText(in:)``):
    /// what ``serialized`` gives for that call result.
    public static func callResultText(id: String, compactPayload payload: Substring) -> String {
        var text = ""
        text.reserveCapacity(payload.utf8.count + id.utf8.count + 8)
        text += "[3,"
        JSONValue.writeString(id, to: &text)
        text += ","
        text.append(contentsOf: payload)
        text += "]"
        return text
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
