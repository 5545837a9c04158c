/// A lexical token of the policy language.
///
/// Words are not split into keywords here: the parser treats `owner`, `all`, `in` and the rest as
/// keywords only where the grammar expects them, so an OCPP field may share a keyword's name.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A word: letters, digits, `_` and `-`, starting with a letter or `_`.
        case word(String)
        /// A string literal's decoded value.
        case string(String)
        /// An integer literal.
        case integer(Int)
        /// A decimal literal, with its source text for exact printing.
        case decimal(Double, text: String)
        /// A dotted number with two or more dots, such as `2.0.1`.
        case version(String)
        case comma, dot, leftParen, rightParen, leftBracket, rightBracket, at
        case assign, equal, notEqual, less, lessEqual, greater, greaterEqual
        /// Text the lexer could not read, already reported; the parser fails on it silently so one
        /// mistake gives one error.
        case invalid
        case endOfFile
    }

    public var kind: Kind
    public var span: SourceSpan
    /// Whether no other token precedes this one on its line; statements start there, so the
    /// parser resynchronises on such tokens after an error.
    public var startsLine: Bool

    /// The word's text if this is a word.
    public var word: String? {
        if case .word(let text) = kind { return text }
        return nil
    }

    /// Whether this is the word `keyword`.
    public func isWord(_ keyword: String) -> Bool { word == keyword }

    /// How the token reads in a message: "`route`", "string \"x\"", "end of file".
    public var displayName: String {
        switch kind {
        case .word(let text): "`\(text)`"
        case .string(let value): "string \"\(value)\""
        case .integer(let value): "`\(value)`"
        case .decimal(_, let text): "`\(text)`"
        case .version(let text): "`\(text)`"
        case .comma: "`,`"
        case .dot: "`.`"
        case .leftParen: "`(`"
        case .rightParen: "`)`"
        case .leftBracket: "`[`"
        case .rightBracket: "`]`"
        case .at: "`@`"
        case .assign: "`=`"
        case .equal: "`==`"
        case .notEqual: "`!=`"
        case .less: "`<`"
        case .lessEqual: "`<=`"
        case .greater: "`>`"
        case .greaterEqual: "`>=`"
        case .invalid: "unreadable text"
        case .endOfFile: "end of file"
        }
    }
}
