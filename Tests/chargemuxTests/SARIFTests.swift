import Foundation
import PolicyLang
import Testing
@testable import chargemux

@Suite("lint --format sarif")
struct SARIFTests {
    @Test("the document is SARIF 2.1.0 with every rule and a located result per diagnostic")
    func shape() throws {
        try Fixtures.withFiles(["typo.policy": LintToolTests.typo]) { folder in
            let output = LintTool(files: [folder + "/typo.policy"], format: .sarif).run()
            #expect(output.status == .findings)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            #expect(document["version"] as? String == "2.1.0")
            #expect((document["$schema"] as? String)?.contains("sarif-2.1.0") == true)
            let runs = try #require(document["runs"] as? [[String: Any]])
            #expect(runs.count == 1)
            let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
            #expect(driver["name"] as? String == "chargemux")
            let rules = try #require(driver["rules"] as? [[String: Any]])
            #expect(rules.compactMap { $0["id"] as? String } == DiagnosticCode.all.map(\.rawValue))
            for rule in rules {
                #expect(rule["name"] is String)
                #expect((rule["shortDescription"] as? [String: Any])?["text"] is String)
            }
            let results = try #require(runs[0]["results"] as? [[String: Any]])
            #expect(results.count == 2)
            let error = try #require(results.first { $0["ruleId"] as? String == "E200" })
            #expect(error["level"] as? String == "error")
            let text = try #require((error["message"] as? [String: Any])?["text"] as? String)
            #expect(text.contains("unknown action `StartTransation`") && text.contains("help: did you mean `StartTransaction`?"))
            #expect((error["properties"] as? [String: Any])?["help"] as? String == "did you mean `StartTransaction`?")
            let ruleIndex = try #require(error["ruleIndex"] as? Int)
            #expect(rules[ruleIndex]["id"] as? String == "E200")
            let locations = try #require(error["locations"] as? [[String: Any]])
            let physical = try #require(locations.first?["physicalLocation"] as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == folder + "/typo.policy")
            let region = try #require(physical["region"] as? [String: Any])
            #expect(region["startLine"] as? Int == 3 && region["startColumn"] as? Int == 7)
            #expect(region["endLine"] as? Int == 3 && region["endColumn"] as? Int == 22)
            #expect(results.first { $0["ruleId"] as? String == "W102" }?["level"] as? String == "warning")
        }
    }

    @Test("paths become URI references")
    func uri() {
        #expect(SARIFFormatter.uri("policies/my site.policy") == "policies/my%20site.policy")
    }
}
