import Runtime
import Testing
@testable import PolicyLang

@Suite("glob analysis")
struct GlobAnalysisTests {
    // MARK: Inclusion

    @Test("a longer fixed prefix is included in a shorter one", arguments: [
        ("F*", "FLEET-*"), ("*", "FLEET-*"), ("FLEET-*", "FLEET-0?"), ("*-EXT", "A*-EXT"), ("A*B*C", "A1B2C"),
        ("?*", "X*"), ("A?C", "ABC"), ("*", ""), ("A*", "A"), ("*A*", "BAB*"), ("**", "*"), ("A**B", "A*B"),
    ])
    func included(outer: String, inner: String) {
        #expect(GlobAnalysis.includes(outer, inner, caseInsensitive: false))
    }

    @Test("patterns that are not included", arguments: [
        ("FLEET-*", "F*"), ("A?C", "A*C"), ("A*", "*"), ("ABC", "AB?"), ("*-EXT", "*EXT"), ("A*B", "A*"), ("?", "??"),
        ("", "*"), ("A*B*C", "A*C"),
    ])
    func notIncluded(outer: String, inner: String) {
        #expect(!GlobAnalysis.includes(outer, inner, caseInsensitive: false))
        // The counterexample is real: the inner pattern matches it, the outer does not.
        guard case .witness(let text) = GlobAnalysis.counterexample(outer: outer, inner: inner, caseInsensitive: false) else {
            Issue.record("no counterexample for \(inner) ⊄ \(outer)")
            return
        }
        #expect(GlobPattern(inner).matches(text))
        #expect(!GlobPattern(outer).matches(text))
    }

    @Test("idTag patterns compare ignoring ASCII case")
    func caseInsensitiveInclusion() {
        #expect(GlobAnalysis.includes("f*", "FLEET-*", caseInsensitive: true))
        #expect(!GlobAnalysis.includes("f*", "FLEET-*", caseInsensitive: false))
        #expect(GlobAnalysis.includes("fleet-??", "FLEET-0?", caseInsensitive: true))
        #expect(GlobAnalysis.intersection("emp-*", "EMP-1*", caseInsensitive: true) != .empty)
        #expect(GlobAnalysis.intersection("emp-*", "EMP-1*", caseInsensitive: false) == .empty)
    }

    // MARK: Intersection

    @Test("overlapping patterns give a witness both match", arguments: [
        ("FLEET-*", "F*"), ("*-EXT", "FLEET-*"), ("A?C*", "*BC"), ("*", "X"), ("A*", "*B"), ("??", "A*"), ("*A*", "*B*"),
    ])
    func overlapping(first: String, second: String) {
        guard case .witness(let text) = GlobAnalysis.intersection(first, second, caseInsensitive: false) else {
            Issue.record("\(first) and \(second) should overlap")
            return
        }
        #expect(GlobPattern(first).matches(text), "\(text)")
        #expect(GlobPattern(second).matches(text), "\(text)")
    }

    @Test("disjoint patterns have no witness", arguments: [
        ("FLEET-*", "EMP-*"), ("A*", "B*"), ("*A", "*B"), ("?", "??"), ("A?C", "A??D"), ("CP-GRID-*", "CP-FLEET-*"), ("X", "Y"),
    ])
    func disjoint(first: String, second: String) {
        #expect(GlobAnalysis.intersection(first, second, caseInsensitive: false) == .empty)
    }

    @Test("the witness keeps the spelling of the first pattern")
    func witnessSpelling() {
        #expect(GlobAnalysis.intersection("FLEET-*", "f*", caseInsensitive: true) == .witness("FLEET-"))
        #expect(GlobAnalysis.intersection("A*", "*Z", caseInsensitive: false) == .witness("AZ"))
    }

    @Test("fixed prefixes")
    func fixedPrefixes() {
        #expect(GlobAnalysis.fixedPrefix("FLEET-*", caseInsensitive: false) == "FLEET-")
        #expect(GlobAnalysis.fixedPrefix("FLEET-*", caseInsensitive: true) == "fleet-")
        #expect(GlobAnalysis.fixedPrefix("A?B", caseInsensitive: false) == "A")
        #expect(GlobAnalysis.fixedPrefix("*", caseInsensitive: false) == "")
        #expect(GlobAnalysis.fixedPrefix("PLAIN", caseInsensitive: false) == "PLAIN")
        #expect(GlobAnalysis.isLiteral("PLAIN") && !GlobAnalysis.isLiteral("P?"))
    }

    @Test("non-ASCII characters are single characters, as the matcher sees them")
    func unicode() {
        #expect(GlobAnalysis.includes("?", "é", caseInsensitive: false))
        #expect(GlobAnalysis.intersection("Ü*", "?X", caseInsensitive: false) == .witness("ÜX"))
        #expect(GlobAnalysis.intersection("é", "É", caseInsensitive: true) == .empty)
    }

    // MARK: Against brute force

    /// Every string over `a`, `b`, `c` up to `length` characters.
    static func strings(upTo length: Int) -> [String] {
        var all = [""]
        var layer = [""]
        for _ in 0..<length {
            layer = layer.flatMap { prefix in ["a", "b", "c"].map { prefix + $0 } }
            all += layer
        }
        return all
    }

    static func randomPattern(_ rng: inout SplitMix64) -> String {
        let alphabet = ["a", "b", "*", "?", "a", "b"]
        return (0..<Int.random(in: 0...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    @Test("inclusion's fixed-prefix shortcut agrees with the full search, with and without case folding")
    func prefixShortcutAgreesWithSearch() {
        var rng = SplitMix64(seed: 0xF1A7)
        func pattern() -> String {
            let alphabet = ["a", "A", "b", "B", "*", "?"]
            return (0..<Int.random(in: 0...5, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
        }
        for _ in 0..<2_000 {
            let outer = pattern()
            let inner = pattern()
            for folding in [false, true] {
                let searched = GlobAnalysis.counterexample(outer: outer, inner: inner, caseInsensitive: folding) == .empty
                #expect(GlobAnalysis.includes(outer, inner, caseInsensitive: folding) == searched, "\(inner) ⊆ \(outer)")
            }
        }
    }

    @Test("inclusion and intersection agree with matching every short string")
    func agreesWithBruteForce() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let texts = Self.strings(upTo: 6)
        for _ in 0..<400 {
            let first = Self.randomPattern(&rng)
            let second = Self.randomPattern(&rng)
            let firstMatches = Set(texts.filter { GlobPattern(first).matches($0) })
            let secondMatches = Set(texts.filter { GlobPattern(second).matches($0) })
            let included = GlobAnalysis.includes(second, first, caseInsensitive: false)
            #expect(included == firstMatches.isSubset(of: secondMatches), "\(first) ⊆ \(second)")
            switch GlobAnalysis.intersection(first, second, caseInsensitive: false) {
            case .empty:
                #expect(firstMatches.isDisjoint(with: secondMatches), "\(first) ∩ \(second)")
            case .witness(let text):
                #expect(GlobPattern(first).matches(text) && GlobPattern(second).matches(text), "\(first) ∩ \(second): \(text)")
            case .unknown:
                Issue.record("small patterns must be decided")
            }
        }
    }
}
