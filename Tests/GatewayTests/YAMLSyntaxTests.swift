import Gateway
import Testing

@Suite("yaml syntax")
struct YAMLSyntaxTests {
    @Test func badIndentationPointsAtTheProblem() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
            policy: site.policy
               backends↓: []
            """, code: .yamlSyntax, keyPath: "", message: "invalid yaml: mapping values are not allowed in this context",
            help: "check the indentation")
    }

    @Test func unclosedFlowSequence() {
        let found = diagnostics("""
            listen: [ { address: 127.0.0.1:8180 }
            policy: site.policy
            """)
        #expect(found.count == 1)
        #expect(found.first?.code == .yamlSyntax)
        #expect(found.first?.line == 2)
        #expect(found.first?.message.hasPrefix("invalid yaml: ") == true)
    }

    @Test func duplicateKeyPointsAtTheFirstOccurrence() {
        expectError("""
            listen:
              - address: 127.0.0.1:8180
            ↓policy: site.policy
            policy: other.policy
            """, code: .duplicateKey, keyPath: "", message: "key `policy` appears more than once in the same mapping")
    }

    @Test func unquotedIPv6AddressIsASyntaxError() {
        let found = diagnostics("""
            listen:
              - address: [::1]:8180
            """)
        #expect(found.first?.code == .yamlSyntax)
        #expect(found.first?.line == 2)
    }

    @Test func controlCharacterIsPlacedByLineAndColumn() {
        let found = diagnostics("listen: []\npolicy: ab\u{01}c\n")
        #expect(found.count == 1)
        #expect(found.first?.code == .yamlSyntax)
        #expect(found.first.map { "\($0.line):\($0.column)" } == "2:11")
        #expect(found.first?.message == "invalid yaml: control characters are not allowed")
    }

    @Test func onlyOneDocumentIsAllowed() {
        let found = diagnostics("policy: a\n---\npolicy: b\n")
        #expect(found.first?.code == .yamlSyntax)
        #expect(found.first?.line == 2)
    }
}
