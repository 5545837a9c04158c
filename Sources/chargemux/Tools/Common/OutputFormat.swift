import ArgumentParser

/// `--format` of `lint`.
enum LintFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case text
    case json
    case sarif
}

/// `--format` of `explain`.
enum ExplainFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case text
    case json
}

/// `--format` of `replay`.
enum ReplayFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case table
    case json
}
