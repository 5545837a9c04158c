import OCPP
import Runtime

/// How `chargemux test` prints its results.
enum PolicyTestOutputFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// Renders results: failures with expected and actual per field, then passing cases, coverage,
/// and always the summary line `N passed, M failed` that CI reads.
struct PolicyTestReport {
    var testsFile: String
    var results: [CaseResult]
    /// The unexercised rules when `--coverage` was asked for, else `nil`.
    var unexercised: [RuleInfo]?
    var ruleCount: Int
    var quiet = false

    var passedCount: Int { results.filter(\.passed).count }
    var failedCount: Int { results.count - passedCount }

    /// `N passed, M failed`, exactly.
    var summaryLine: String { Self.summaryLine(passed: passedCount, failed: failedCount) }

    static func summaryLine(passed: Int, failed: Int) -> String { "\(passed) passed, \(failed) failed" }

    /// The text report, ending with the summary line and a line break.
    var text: String {
        var output = ""
        for result in results where !result.passed {
            output += "FAIL \(result.testCase.name) (\(testsFile):\(result.testCase.line))\n"
            for mismatch in result.mismatches { output += "  \(mismatch)\n" }
        }
        if !quiet {
            for result in results where result.passed { output += "ok   \(result.testCase.name)\n" }
        }
        if let unexercised { output += coverageText(unexercised) }
        return output + summaryLine + "\n"
    }

    private func coverageText(_ rules: [RuleInfo]) -> String {
        guard !rules.isEmpty else { return "coverage: every rule exercised (\(ruleCount) rules)\n" }
        var output = "coverage: \(rules.count) of \(ruleCount) rules not exercised:\n"
        let width = rules.map { RuleReferences.location($0).count }.max() ?? 0
        for rule in rules {
            let location = RuleReferences.location(rule)
            let kind = rule.kind.rawValue
            output += "  \(location)\(String(repeating: " ", count: width - location.count))  "
                + "\(kind)\(String(repeating: " ", count: 6 - kind.count))  \(rule.text)\n"
        }
        return output
    }

    /// The JSON report (one line); the summary line goes to standard error in this format.
    var json: String {
        var root = JSONObject()
        root["tests"] = .string(testsFile)
        root["cases"] = .array(results.map { result in
            var item = JSONObject()
            item["name"] = .string(result.testCase.name)
            item["line"] = .integer(result.testCase.line)
            item["passed"] = .bool(result.passed)
            item["mismatches"] = .array(result.mismatches.map { mismatch in
                .object(JSONObject([("field", .string(mismatch.field)), ("expected", .string(mismatch.expected)),
                                    ("actual", .string(mismatch.actual))]))
            })
            return .object(item)
        })
        if let unexercised {
            root["coverage"] = .object(JSONObject([
                ("rules", .integer(ruleCount)),
                ("unexercised", .array(unexercised.map { rule in
                    var item = JSONObject()
                    item["location"] = .string(RuleReferences.location(rule))
                    item["kind"] = .string(rule.kind.rawValue)
                    item["text"] = .string(rule.text)
                    if let name = rule.name { item["name"] = .string(name) }
                    return .object(item)
                })),
            ]))
        }
        root["passed"] = .integer(passedCount)
        root["failed"] = .integer(failedCount)
        return JSONValue.object(root).serialized + "\n"
    }
}
