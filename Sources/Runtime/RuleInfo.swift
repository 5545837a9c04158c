/// The kinds of rule a policy has.
public enum RuleKind: String, Sendable, Hashable, CaseIterable {
    case owner
    case route
    case allow
    case deny
    case redact
}

/// Where a rule stands in its policy file, so that every decision can cite the rule that made it.
public struct RuleInfo: Sendable, Hashable, CustomStringConvertible {
    /// The rule's position among all rules of the policy, in file order.
    public var index: Int
    public var kind: RuleKind
    public var file: String
    public var line: Int
    public var column: Int
    /// The `@name("...")` label, if the rule has one.
    public var name: String?
    /// The rule's source text on one line, for explanations.
    public var text: String

    public init(index: Int, kind: RuleKind, file: String, line: Int, column: Int, name: String?, text: String) {
        self.index = index
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.name = name
        self.text = text
    }

    /// `site.policy:14`, the form logs and tests cite.
    public var location: String { "\(file):\(line)" }

    public var description: String { name.map { "\(location) (\($0))" } ?? location }
}
