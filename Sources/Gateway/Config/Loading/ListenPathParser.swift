/// Checks a listener's `\(keyPath)`: starts with `/`, no empty segments, no query, fragment or spaces.
enum ListenPathParser {
    /// The path without a trailing `/` (unless it is `/`), or why it is not acceptable.
    static func parse(_ text: String, keyPath: String) -> Result<String, ValueProblem> {
        guard text.hasPrefix("/") else {
            return .failure(ValueProblem("`\(keyPath)` must start with `/`, found `\(text)`", help: "write `/\(text)`"))
        }
        if let bad = text.first(where: { $0 == "?" || $0 == "#" || $0 == "{" || $0 == "}" || $0.isWhitespace }) {
            return .failure(ValueProblem("`\(keyPath)` must not contain `\(bad)`, found `\(text)`",
                                         help: "the charge point id is added after the path; write e.g. `/ocpp`"))
        }
        let trimmed = text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
        guard trimmed == "/" || !trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            .contains(where: \.isEmpty)
        else { return .failure(ValueProblem("`\(keyPath)` must not contain empty segments, found `\(text)`")) }
        return .success(trimmed)
    }
}
