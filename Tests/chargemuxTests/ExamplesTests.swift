import Foundation
import Gateway
import PolicyLang
import Testing
@testable import chargemux

/// Every folder of `Examples/` is a working site: its policy compiles, its tests pass, they
/// exercise every rule, and its gateway config loads with the policy's backends.
@Suite("examples")
struct ExamplesTests {
    @Test("Examples/ has example folders")
    func examplesExist() {
        #expect(!TestSupport.exampleNames.isEmpty)
    }

    @Test("the policy compiles without errors", arguments: TestSupport.exampleNames)
    func policyCompiles(_ example: String) {
        let path = TestSupport.examplesFolder.appendingPathComponent("\(example)/site.policy").path
        let compilation = PolicyPipeline.compile(path: path)
        let errors = compilation.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(DiagnosticRenderer(sources: [compilation.source]).render(errors))")
        #expect(compilation.compiled != nil)
    }

    @Test("site.tests.yaml has at least 10 cases, all pass, and they exercise every rule",
          arguments: TestSupport.exampleNames)
    func testsPassWithFullCoverage(_ example: String) throws {
        let folder = TestSupport.examplesFolder.appendingPathComponent(example)
        let policy = try TestSupport.compile(path: folder.appendingPathComponent("site.policy").path)
        let testsPath = folder.appendingPathComponent("site.tests.yaml").path
        let suite: PolicyTestSuite
        switch PolicyTestLoader.load(path: testsPath, policy: policy) {
        case .success(let loaded):
            suite = loaded
        case .failure(let failure):
            Issue.record("\(failure.problems.map(\.rendered).joined())")
            return
        }
        #expect(suite.cases.count >= 10)
        let results = PolicyTestRunner(policy: policy, hashKey: Array(PolicyTestSession.defaultHashKey.utf8)).run(suite)
        for result in results where !result.passed {
            Issue.record("\(result.testCase.name): \(result.mismatches.map(\.description).joined(separator: "; "))")
        }
        let unexercised = RuleCoverage.unexercised(rules: policy.rules, results: results)
        #expect(unexercised.isEmpty, "not exercised: \(unexercised.map { "\($0.location) \($0.text)" })")
    }

    @Test("`chargemux test --coverage` passes and reports every rule exercised", arguments: TestSupport.exampleNames)
    func commandPasses(_ example: String) {
        let folder = TestSupport.examplesFolder.appendingPathComponent(example)
        let output = PolicyTestSession.run(policyPath: folder.appendingPathComponent("site.policy").path,
                                           testsPath: folder.appendingPathComponent("site.tests.yaml").path,
                                           options: PolicyTestOptions(coverage: true, quiet: true))
        #expect(output.exitCode == 0, "\(output.standardError)\(output.standardOutput)")
        #expect(output.standardOutput.contains("coverage: every rule exercised"))
        #expect(output.standardOutput.split(separator: "\n").last?.hasSuffix(" passed, 0 failed") == true)
    }

    @Test("gateway.yaml loads and declares exactly the policy's backends", arguments: TestSupport.exampleNames)
    func gatewayConfigLoads(_ example: String) throws {
        var folder = TestSupport.examplesFolder.appendingPathComponent(example)
        var configPath = folder.appendingPathComponent("gateway.yaml").path
        let yaml = try String(contentsOfFile: configPath, encoding: .utf8)
        // Certificates and keys are never committed (the example's README makes them); the loader
        // only checks that they exist, so a copy of the folder gets empty stand-ins at `certs/…`.
        if yaml.contains("certs/") {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("example-\(example)-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: folder, to: copy)
            defer { try? FileManager.default.removeItem(at: copy) }
            for match in yaml.matches(of: /certs\/[A-Za-z0-9._\/-]*/) {
                let target = copy.appendingPathComponent(String(match.0))
                if match.0.hasSuffix("/") {
                    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                } else {
                    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    FileManager.default.createFile(atPath: target.path, contents: Data())
                }
            }
            folder = copy
            configPath = copy.appendingPathComponent("gateway.yaml").path
            try checkConfig(yaml: yaml, folder: folder, configPath: configPath)
            return
        }
        try checkConfig(yaml: yaml, folder: folder, configPath: configPath)
    }

    private func checkConfig(yaml: String, folder: URL, configPath: String) throws {
        // Every `env:NAME` secret gets a dummy value, long enough for any key.
        var environment: [String: String] = [:]
        for match in yaml.matches(of: /env:([A-Za-z_][A-Za-z0-9_]*)/) {
            environment[String(match.1)] = "example-secret-0123456789"
        }
        let config: GatewayConfig
        do {
            config = try GatewayConfig.parse(yaml: yaml, file: configPath, baseDirectory: folder.path, environment: environment)
        } catch {
            Issue.record("\(error.description)")
            return
        }
        #expect(config.policyPath.hasSuffix("/site.policy"))
        let compilation = PolicyPipeline.compile(path: config.policyPath, configBackends: config.backendNames)
        #expect(!compilation.hasErrors, "\(compilation.diagnostics.map(DiagnosticRenderer.headline))")
        #expect(Set(compilation.compiled?.backends ?? []) == Set(config.backendNames))
    }
}
