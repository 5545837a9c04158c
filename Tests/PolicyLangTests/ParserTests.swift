import Testing
@testable import PolicyLang

@Suite("parser")
struct ParserTests {
    @Test("the linking-world example parses without diagnostics")
    func linkingWorldParses() throws {
        let text = try String(contentsOfFile: Fixtures.examplePath("linking-world/site.policy"), encoding: .utf8)
        let (file, diagnostics) = Parser.parse(SourceFile(path: "site.policy", text: text))
        #expect(diagnostics.isEmpty, "\(diagnostics.map(DiagnosticRenderer.headline))")
        #expect(file.header?.name == "linking-world")
        #expect(file.version == .v16)
        #expect(file.declarations.count == 18)
    }
}
