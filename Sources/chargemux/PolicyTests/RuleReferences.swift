import OCPP
import Runtime

/// Binds rule citations in test files (`site.policy:17`, `fleet-datatransfer`) to the policy's
/// rules, and names rules in output the way tests cite them.
struct RuleReferences {
    let rules: [RuleInfo]

    /// The rule index `text` names, or why it names none.
    func resolve(_ text: String) -> Result<Int, RuleReferenceError> {
        if let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]) {
            let file = String(text[..<colon])
            let sameFile = rules.filter { Self.fileMatches($0.file, file) }
            guard !sameFile.isEmpty || rules.isEmpty else {
                let policyFile = rules.first.map { Self.baseName($0.file) } ?? ""
                return .failure(RuleReferenceError(
                    message: "rule `\(text)` is not in the policy under test",
                    help: "the policy is `\(policyFile)`; write `\(policyFile):\(line)`"))
            }
            if let rule = sameFile.first(where: { $0.line == line }) { return .success(rule.index) }
            let nearest = sameFile.min { abs($0.line - line) < abs($1.line - line) }
            return .failure(RuleReferenceError(
                message: "`\(text)` names no rule: no rule starts on line \(line)",
                help: nearest.map { "the nearest rule starts on line \($0.line): `\($0.text)`" }
                    ?? "the policy has no rules"))
        }
        let name = text.hasPrefix("@") ? String(text.dropFirst()) : text
        if let rule = rules.first(where: { $0.name == name }) { return .success(rule.index) }
        let names = rules.compactMap(\.name)
        let help = nearestName(to: name, among: names).map { "did you mean `\($0)`?" }
            ?? "cite a rule as `FILE:LINE` (e.g. `\(rules.first.map(Self.location) ?? "site.policy:10")`) "
            + "or by the name of its `@name(\"...\")` label"
        return .failure(RuleReferenceError(message: "`\(text)` names no rule", help: help))
    }

    /// `site.policy:17`: the policy file's name and the rule's line.
    static func location(_ rule: RuleInfo) -> String { "\(baseName(rule.file)):\(rule.line)" }

    /// `site.policy:17`, with the label when the rule has one: `site.policy:19 (fleet-datatransfer)`.
    static func display(_ rule: RuleInfo) -> String {
        rule.name.map { "\(location(rule)) (\($0))" } ?? location(rule)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private static func fileMatches(_ ruleFile: String, _ cited: String) -> Bool {
        ruleFile == cited || baseName(ruleFile) == cited || ruleFile.hasSuffix("/" + cited)
    }
}

/// Why a rule citation names no rule.
struct RuleReferenceError: Error {
    var message: String
    var help: String?
}
