/// Parses a policy file into its syntax tree.
///
/// The parser reports a syntax error, skips to the next line that starts a statement, and goes
/// on, so one run shows every syntax error rather than the first.
public struct Parser {
    /// Words that start a statement when they stand first on a line.
    static let statementKeywords: Set<String> = ["policy", "list", "primary", "backends", "owner", "route", "allow", "deny", "redact"]

    let source: SourceFile
    var tokens: [Token]
    var index = 0
    /// The first token of the statement being parsed, for telling a continuation line from the
    /// next statement.
    var statementStart = SourceSpan.fileStart
    /// How many `not`s and parentheses enclose the condition being parsed.
    var nesting = 0
    public internal(set) var diagnostics: [Diagnostic] = []

    /// A syntax error has been reported; unwind to the statement loop and resynchronise.
    struct Failure: Error {}

    public init(source: SourceFile) {
        self.source = source
        var lexer = Lexer(source: source)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
    }

    /// Parses `source`, returning the tree (as much as could be read) and every diagnostic.
    public static func parse(_ source: SourceFile) -> (file: PolicyFile, diagnostics: [Diagnostic]) {
        var parser = Parser(source: source)
        let file = parser.parseFile()
        return (file, parser.diagnostics)
    }

    /// Parses the whole file.
    public mutating func parseFile() -> PolicyFile {
        let header = parseHeader()
        var declarations: [Declaration] = []
        while current.kind != .endOfFile {
            let start = index
            statementStart = current.span
            nesting = 0
            do {
                declarations.append(try parseStatement())
                try expectStatementEnd()
            } catch {
                synchronize(from: start)
            }
        }
        return PolicyFile(source: source, header: header, declarations: declarations)
    }

    // MARK: Token access

    var current: Token { tokens[index] }
    var previous: Token { tokens[max(0, index - 1)] }

    func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// Whether the current token begins a new statement.
    var atStatementStart: Bool {
        let token = current
        if token.kind == .endOfFile { return true }
        guard token.startsLine else { return false }
        if token.kind == .at { return true }
        return token.word.map(Self.statementKeywords.contains) ?? false
    }

    /// Skips tokens up to the next statement start, after an error in the statement that began at
    /// token `start`. When the error was found at the start of the next statement (a statement cut
    /// short at the end of its line), that statement is kept.
    mutating func synchronize(from start: Int) {
        if index == start || !atStatementStart, current.kind != .endOfFile { advance() }
        while !atStatementStart { advance() }
    }

    /// Whether the current token starts a new statement rather than continuing the current one
    /// over a line break: a statement keyword first on its line and indented no deeper than the
    /// statement being parsed (`to billing,` then `    owner` continues; `route ...` below starts anew).
    var startsNextStatement: Bool {
        guard atStatementStart else { return false }
        if current.kind == .endOfFile || current.kind == .at { return true }
        return source.position(of: current.span.start).column <= source.position(of: statementStart.start).column
    }

    mutating func expectStatementEnd() throws(Failure) {
        guard !atStatementStart else { return }
        throw error("unexpected \(found) after the end of the statement",
                    help: "a statement ends at the end of its line; start the next one on a new line")
    }

    // MARK: Errors

    /// How the current token reads in "found ..." messages: a statement cut short by the end of
    /// its line found "the end of the line", not the next statement's first word.
    var found: String {
        if current.kind != .endOfFile, startsNextStatement, index > 0 { return "the end of the line" }
        return current.displayName
    }

    /// Where a "found ..." error points: the current token, or just after the last token of a
    /// statement cut short by the end of its line or file.
    var errorSpan: SourceSpan {
        guard startsNextStatement, index > 0 else { return current.span }
        return SourceSpan(start: previous.span.end, end: previous.span.end)
    }

    /// Reports a syntax error at the current token and returns the failure to throw.
    mutating func error(_ message: String, at span: SourceSpan? = nil, help: String? = nil, code: DiagnosticCode = .syntax) -> Failure {
        // The lexer has reported unreadable text; a second error at the same place would only repeat it.
        if current.kind != .invalid || span != nil {
            diagnostics.append(Diagnostic(code, message, in: source, at: span ?? errorSpan, help: help))
        }
        return Failure()
    }

    /// Consumes the word `keyword` or reports what was expected instead.
    mutating func expectWord(_ keyword: String, _ context: String) throws(Failure) {
        if current.isWord(keyword) {
            advance()
            return
        }
        var help: String?
        if !startsNextStatement, let word = current.word, editDistance(word.lowercased(), keyword) <= 2 {
            help = "did you mean `\(keyword)`?"
        }
        throw error("expected `\(keyword)` \(context), found \(found)", help: help)
    }

    /// Consumes a word used as a name, or reports what was expected.
    mutating func expectName(_ what: String) throws(Failure) -> Identifier {
        guard let word = current.word else {
            throw error("expected \(what), found \(found)")
        }
        let token = advance()
        return Identifier(word, span: token.span)
    }

    mutating func expectString(_ what: String) throws(Failure) -> StringLiteral {
        guard case .string(let value) = current.kind else {
            throw error("expected \(what) in double quotes, found \(found)")
        }
        let token = advance()
        return StringLiteral(value, span: token.span)
    }

    mutating func expect(_ kind: Token.Kind, _ context: String) throws(Failure) {
        guard current.kind == kind else {
            let expected = Token(kind: kind, span: .fileStart, startsLine: false).displayName
            throw error("expected \(expected) \(context), found \(found)")
        }
        advance()
    }

    /// `NAME, NAME, ...`: at least one.
    mutating func parseNameList(_ what: String) throws(Failure) -> [Identifier] {
        var names = [try expectName(what)]
        while current.kind == .comma {
            let comma = advance()
            if startsNextStatement {
                throw error("expected \(what) after `,`, found the end of the line", at: comma.span,
                            help: "remove the trailing `,`, or continue the list on an indented line")
            }
            names.append(try expectName(what))
        }
        return names
    }
}

/// The Levenshtein distance, for "did you mean" on keywords.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let left = Array(lhs)
    let right = Array(rhs)
    if left.isEmpty { return right.count }
    if right.isEmpty { return left.count }
    var previousRow = Array(0...right.count)
    for (i, leftCharacter) in left.enumerated() {
        var row = [i + 1] + Array(repeating: 0, count: right.count)
        for (j, rightCharacter) in right.enumerated() {
            row[j + 1] = min(previousRow[j + 1] + 1, row[j] + 1, previousRow[j] + (leftCharacter == rightCharacter ? 0 : 1))
        }
        previousRow = row
    }
    return previousRow[right.count]
}
