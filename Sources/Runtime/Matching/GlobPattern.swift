/// A compiled glob: `*` matches any run of characters (also none), `?` exactly one.
///
/// Compiled once per rule; matching walks the UTF-8 bytes without allocating, with the usual
/// greedy-star backtracking, so a check is linear in practice.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    public let caseInsensitive: Bool
    private let bytes: [UInt8]
    private let shape: Shape

    /// Common shapes that need no backtracking.
    private enum Shape: Hashable {
        case exact
        case prefix(Int)      // "ABC*": the first n bytes
        case suffix(Int)      // "*ABC"
        case general
    }

    public init(_ pattern: String, caseInsensitive: Bool = false) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        let raw = Array(pattern.utf8)
        self.bytes = caseInsensitive ? raw.map(asciiLowercased) : raw
        let stars = raw.filter { $0 == UInt8(ascii: "*") }.count
        let questions = raw.contains(UInt8(ascii: "?"))
        if stars == 0 && !questions {
            shape = .exact
        } else if stars == 1 && !questions && raw.last == UInt8(ascii: "*") {
            shape = .prefix(raw.count - 1)
        } else if stars == 1 && !questions && raw.first == UInt8(ascii: "*") {
            shape = .suffix(raw.count - 1)
        } else {
            shape = .general
        }
    }

    public var description: String { pattern }

    /// Whether the pattern has no wildcard, so it matches one string only.
    public var isLiteral: Bool { shape == .exact }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the UTF-8 `text` matches the whole pattern.
    public func matches(utf8 text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .exact:
            return text.count == bytes.count && equalBytes(text, from: 0, patternFrom: 0, count: bytes.count)
        case .prefix(let count):
            return text.count >= count && equalBytes(text, from: 0, patternFrom: 0, count: count)
        case .suffix(let count):
            return text.count >= count && equalBytes(text, from: text.count - count, patternFrom: 1, count: count)
        case .general:
            return matchGeneral(text)
        }
    }

    @inline(__always)
    private func fold(_ byte: UInt8) -> UInt8 { caseInsensitive ? asciiLowercased(byte) : byte }

    private func equalBytes(_ text: UnsafeBufferPointer<UInt8>, from start: Int, patternFrom patternStart: Int, count: Int) -> Bool {
        for offset in 0..<count where fold(text[start + offset]) != bytes[patternStart + offset] { return false }
        return true
    }

    private func matchGeneral(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var textIndex = 0
        var patternIndex = 0
        var starPattern = -1
        var starText = 0
        while textIndex < text.count {
            if patternIndex < bytes.count {
                let patternByte = bytes[patternIndex]
                if patternByte == UInt8(ascii: "*") {
                    starPattern = patternIndex
                    starText = textIndex
                    patternIndex += 1
                    continue
                }
                if patternByte == UInt8(ascii: "?") {
                    // `?` is one character: skip a whole UTF-8 sequence.
                    textIndex += utf8SequenceLength(text[textIndex])
                    patternIndex += 1
                    continue
                }
                if patternByte == fold(text[textIndex]) {
                    textIndex += 1
                    patternIndex += 1
                    continue
                }
            }
            guard starPattern >= 0 else { return false }
            patternIndex = starPattern + 1
            starText += 1
            textIndex = starText
        }
        while patternIndex < bytes.count, bytes[patternIndex] == UInt8(ascii: "*") { patternIndex += 1 }
        return patternIndex == bytes.count && textIndex == text.count
    }
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

@inline(__always)
func utf8SequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0xF0...: 4
    case 0xE0...: 3
    case 0xC0...: 2
    default: 1
    }
}
