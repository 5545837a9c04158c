import Foundation
import OCPP
import Runtime
import Testing
@testable import PolicyLang

@Suite("linking-world example")
struct LinkingWorldTests {
    static func compile() -> PolicyCompilation {
        PolicyPipeline.compile(path: Fixtures.examplePath("linking-world/site.policy"))
    }

    @Test("lints without errors; its only finding is the unrouted charge-point actions")
    func lintsClean() {
        let compilation = Self.compile()
        let rendered = DiagnosticRenderer(sources: [compilation.source]).render(compilation.diagnostics)
        #expect(!compilation.hasErrors, "\(rendered)")
        #expect(compilation.diagnostics.map(\.code) == [.unroutedAction], "\(rendered)")
        #expect(compilation.compiled != nil)
    }
}
