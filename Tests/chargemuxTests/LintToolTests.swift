import Foundation
import Testing
@testable import chargemux

@Suite("lint")
struct LintToolTests {
    static let typo = """
        policy "typo" for ocpp 1.6
        backends billing
        route StartTransation to billing

        """

    @Test("the linking-world example is clean but for W102 and exits 0")
    func linkingWorld() {
        let output = LintTool(files: [Fixtures.linkingWorldPolicy]).run()
        #expect(output.status == .ok)
        #expect(output.stdout.contains("site.policy:2:1: warning[W102]: no rule routes these charge-point actions"))
        #expect(output.stdout.hasSuffix("site.policy: 0 errors, 1 warning\n"))
    }

    @Test("--strict makes warnings fail")
    func strict() {
        #expect(LintTool(files: [Fixtures.linkingWorldPolicy], strict: true).run().status == .findings)
    }

    @Test("an error prints FILE:LINE:COL, the caret and a did-you-mean help, and exits 1")
    func errorExits1() throws {
        try Fixtures.withFiles(["typo.policy": Self.typo]) { folder in
            let path = folder + "/typo.policy"
            let output = LintTool(files: [path]).run()
            #expect(output.status == .findings)
            #expect(output.stdout.contains("\(path):3:7: error[E200]: unknown action `StartTransation` for ocpp 1.6"))
            #expect(output.stdout.contains("  3 | route StartTransation to billing\n    |       ^^^^^^^^^^^^^^^"))
            #expect(output.stdout.contains("  help: did you mean `StartTransaction`?"))
            #expect(output.stdout.contains("\(path): 1 error, 1 warning"))
        }
    }

    @Test("a clean file and a broken one: a summary per file and a total")
    func severalFiles() throws {
        try Fixtures.withFiles(["typo.policy": Self.typo, "small.policy": Fixtures.smallPolicy]) { folder in
            let output = LintTool(files: [folder + "/small.policy", folder + "/typo.policy"]).run()
            #expect(output.status == .findings)
            #expect(output.stdout.contains("small.policy: 0 errors, 0 warnings\n"))
            #expect(output.stdout.hasSuffix("2 files: 1 error, 1 warning\n"))
        }
    }

    @Test("a missing file is an error, not a crash")
    func missingFile() {
        let output = LintTool(files: ["/nonexistent/site.policy"]).run()
        #expect(output.status == .findings)
        #expect(output.stdout.contains("cannot read policy file `/nonexistent/site.policy`"))
    }

    @Test("--config with unset secrets prints the config errors and exits 1")
    func brokenConfig() {
        let output = LintTool(files: [Fixtures.linkingWorldPolicy], configPath: Fixtures.linkingWorldConfig).run()
        #expect(output.status == .findings)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("error[config]: environment variable `BILLING_KEY`"))
        #expect(output.stderr.contains("5 config errors"))
    }

    @Test("--config checks the policy's backends against the config's")
    func configBackends() throws {
        let good = LintTool(files: [Fixtures.linkingWorldPolicy], configPath: Fixtures.linkingWorldConfig,
                            environment: Fixtures.linkingWorldEnvironment).run()
        #expect(good.status == .ok, "\(good.stderr)")
        let unknown = "policy \"acme\" for ocpp 1.6\nroute Heartbeat to billing, acme\n"
        try Fixtures.withFiles(["acme.policy": unknown]) { folder in
            let output = LintTool(files: [folder + "/acme.policy"], configPath: Fixtures.linkingWorldConfig,
                                  environment: Fixtures.linkingWorldEnvironment).run()
            #expect(output.status == .findings)
            #expect(output.stdout.contains("acme.policy:2:29: error[E205]"), "\(output.stdout)")
        }
    }

    @Test("JSON output has the documented shape")
    func json() throws {
        try Fixtures.withFiles(["typo.policy": Self.typo]) { folder in
            let output = LintTool(files: [folder + "/typo.policy"], format: .json).run()
            #expect(output.status == .findings)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            #expect(document["errors"] as? Int == 1)
            #expect(document["warnings"] as? Int == 1)
            let files = try #require(document["files"] as? [[String: Any]])
            #expect(files.first?["path"] as? String == folder + "/typo.policy")
            let diagnostics = try #require(files.first?["diagnostics"] as? [[String: Any]])
            let error = try #require(diagnostics.first { $0["code"] as? String == "E200" })
            for key in ["code", "name", "severity", "message", "line", "column", "endLine", "endColumn", "help", "label", "notes"] {
                #expect(error[key] != nil, "missing \(key)")
            }
            #expect(error["name"] as? String == "unknown-action")
            #expect(error["line"] as? Int == 3 && error["column"] as? Int == 7)
            #expect(error["endLine"] as? Int == 3 && error["endColumn"] as? Int == 22)
            #expect(error["help"] as? String == "did you mean `StartTransaction`?")
        }
    }
}
