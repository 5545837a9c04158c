/// Splits a policy file into tokens, reporting malformed ones as diagnostics and going on.
public struct Lexer {
    private let source: SourceFile
    private let bytes: [UInt8]
    private var position = 0
    private var sawTokenOnLine = false
    public private(set) var diagnostics: [Diagnostic] = []

    public init(source: SourceFile) {
        self.source = source
        self.bytes = source.utf8
    }

    /// Every token of the file, ending with `.endOfFile`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while let token = nextToken() { tokens.append(token) }
        tokens.append(Token(kind: .endOfFile, span: SourceSpan(start: bytes.count, end: bytes.count), startsLine: true))
        return tokens
    }

    private mutating func nextToken() -> Token? {
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\n"):
                position += 1
                sawTokenOnLine = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "#"):
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            default:
                let startsLine = !sawTokenOnLine
                sawTokenOnLine = true
                let start = position
                let kind = lexToken() ?? .invalid
                return Token(kind: kind, span: SourceSpan(start: start, end: max(position, start + 1)), startsLine: startsLine)
            }
        }
        return nil
    }

    /// Lexes the token at `position`; returns nil after reporting text that is not a token.
    private mutating func lexToken() -> Token.Kind? {
        let byte = bytes[position]
        if isWordStart(byte) { return lexWord() }
        if isDigit(byte) || (byte == UInt8(ascii: "-") && position + 1 < bytes.count && isDigit(bytes[position + 1])) {
            return lexNumber()
        }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return lexString(start: position - 1)
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: "."): return .dot
        case UInt8(ascii: "("): return .leftParen
        case UInt8(ascii: ")"): return .rightParen
        case UInt8(ascii: "["): return .leftBracket
        case UInt8(ascii: "]"): return .rightBracket
        case UInt8(ascii: "@"): return .at
        case UInt8(ascii: "="): return consume("=") ? .equal : .assign
        case UInt8(ascii: "!"):
            if consume("=") { return .notEqual }
            report(.invalidCharacter, "unexpected character `!`", from: position - 1, help: "write `!=` for not-equal, or `not` to negate a condition")
            return nil
        case UInt8(ascii: "<"): return consume("=") ? .lessEqual : .less
        case UInt8(ascii: ">"): return consume("=") ? .greaterEqual : .greater
        default:
            position -= 1
            let scalarStart = position
            position += utf8Length(of: byte)
            let character = source.text(of: SourceSpan(start: scalarStart, end: min(position, bytes.count)))
            let help = byte == 0xE2 ? "only straight double quotes `\"` delimit strings" : nil
            report(.invalidCharacter, "unexpected character `\(character)`", from: scalarStart, help: help)
            return nil
        }
    }

    private mutating func consume(_ ascii: Unicode.Scalar) -> Bool {
        if position < bytes.count, bytes[position] == UInt8(ascii: ascii) {
            position += 1
            return true
        }
        return false
    }

    private mutating func lexWord() -> Token.Kind {
        let start = position
        while position < bytes.count, isWordContinue(bytes[position]) { position += 1 }
        return .word(source.text(of: SourceSpan(start: start, end: position)))
    }

    private mutating func lexNumber() -> Token.Kind? {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        var dots = 0
        while position < bytes.count {
            if isDigit(bytes[position]) {
                position += 1
            } else if bytes[position] == UInt8(ascii: "."), position + 1 < bytes.count, isDigit(bytes[position + 1]) {
                dots += 1
                position += 1
            } else {
                break
            }
        }
        let text = source.text(of: SourceSpan(start: start, end: position))
        if position < bytes.count, isWordStart(bytes[position]) {
            while position < bytes.count, isWordContinue(bytes[position]) { position += 1 }
            report(.invalidNumber, "`\(source.text(of: SourceSpan(start: start, end: position)))` is not a number",
                   from: start, help: "put text in double quotes")
            return nil
        }
        switch dots {
        case 0:
            guard let value = Int(text) else {
                report(.invalidNumber, "`\(text)` is out of range for an integer", from: start)
                return nil
            }
            return .integer(value)
        case 1:
            return .decimal(Double(text) ?? 0, text: text)
        default:
            return .version(text)
        }
    }

    private mutating func lexString(start: Int) -> Token.Kind? {
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return .string(String(decoding: value, as: UTF8.self))
            case UInt8(ascii: "\n"):
                report(.unterminatedString, "string is not closed before the end of the line", from: start, help: "add a closing `\"`")
                return nil
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { continue }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                default:
                    diagnostics.append(Diagnostic(.invalidEscape, "unknown escape `\\\(Character(Unicode.Scalar(escaped)))` in string",
                                                  in: source, at: SourceSpan(start: position - 2, end: position),
                                                  help: "use `\\\"`, `\\\\`, `\\n` or `\\t`"))
                }
            default:
                value.append(byte)
                position += 1
            }
        }
        report(.unterminatedString, "string is not closed before the end of the file", from: start, help: "add a closing `\"`")
        return nil
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, from start: Int, help: String? = nil) {
        diagnostics.append(Diagnostic(code, message, in: source, at: SourceSpan(start: start, end: max(position, start + 1)), help: help))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }
    private func isWordContinue(_ byte: UInt8) -> Bool {
        isWordStart(byte) || isDigit(byte) || byte == UInt8(ascii: "-")
    }
    private func utf8Length(of leadByte: UInt8) -> Int {
        switch leadByte {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
