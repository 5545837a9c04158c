import Foundation
import PolicyLang
import Runtime
import Testing
@testable import chargemux

/// Paths in the repository and small helpers for the `chargemux test` tests.
enum TestSupport {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var examplesFolder: URL { repositoryRoot.appendingPathComponent("Examples") }

    /// Every folder of `Examples/`, by name, sorted.
    static var exampleNames: [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(
            at: examplesFolder, includingPropertiesForKeys: [.isDirectoryKey])) ?? []
        return entries.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .map(\.lastPathComponent).sorted()
    }

    static var linkingWorldPolicy: String { examplesFolder.appendingPathComponent("linking-world/site.policy").path }

    /// A compiled policy from a file, failing the test on errors.
    static func compile(path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CompiledPolicy {
        let compilation = PolicyPipeline.compile(path: path)
        let errors = compilation.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(DiagnosticRenderer.headline))", sourceLocation: sourceLocation)
        return try #require(compilation.compiled, sourceLocation: sourceLocation)
    }

    /// A compiled inline policy, as the file `site.policy`.
    static func compile(text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CompiledPolicy {
        let compilation = PolicyPipeline.compile(source: SourceFile(path: "site.policy", text: text))
        let errors = compilation.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(DiagnosticRenderer.headline))", sourceLocation: sourceLocation)
        return try #require(compilation.compiled, sourceLocation: sourceLocation)
    }

    /// Writes `text` to a new temporary folder and returns the file's path.
    static func temporaryFile(_ text: String, name: String = "site.tests.yaml") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chargemux-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The problems of a test file that should not load.
    static func problems(_ yaml: String, policy: CompiledPolicy, file: String = "t.yaml",
                         sourceLocation: SourceLocation = #_sourceLocation) -> [TestFileProblem] {
        switch PolicyTestLoader.parse(yaml: yaml, file: file, policy: policy) {
        case .success:
            Issue.record("the test file loaded without problems", sourceLocation: sourceLocation)
            return []
        case .failure(let failure):
            return failure.problems
        }
    }

    /// The suite of a test file that should load.
    static func suite(_ yaml: String, policy: CompiledPolicy, file: String = "t.yaml",
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> PolicyTestSuite {
        switch PolicyTestLoader.parse(yaml: yaml, file: file, policy: policy) {
        case .success(let suite):
            return suite
        case .failure(let failure):
            Issue.record("\(failure.problems.map(\.rendered).joined())", sourceLocation: sourceLocation)
            throw failure
        }
    }
}
