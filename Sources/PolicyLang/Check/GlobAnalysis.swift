import Runtime

/// Language-level questions about the globs of `matches` (`*`: any run of characters, `?`: one
/// character), answered exactly on the patterns' automata:
///
/// - ``includes(_:_:caseInsensitive:)``: does every text one pattern matches also match another
///   (`F*` includes `FLEET-*`)?
/// - ``intersection(_:_:caseInsensitive:)``: is there a text both match, and which?
///
/// Characters are Unicode scalars, as ``GlobPattern`` matches them; case-insensitive analysis folds
/// ASCII letters only, also like ``GlobPattern``. Every character that appears in neither pattern
/// behaves the same (only `?` and `*` match it), so one "fresh" character stands for all of them
/// and the alphabet stays finite.
///
/// The searches are bounded; a question too big to settle answers `.unknown` (or `false` for
/// inclusion), which the checks treat as "no finding": a missed warning, never a false one.
public enum GlobAnalysis {
    /// Whether two patterns have a text in common.
    public enum Overlap: Sendable, Equatable {
        /// No text matches both.
        case empty
        /// A text both match, preferring the characters of the first pattern as written.
        case witness(String)
        /// The search was cut off.
        case unknown
    }

    /// The most product states a search visits before it gives up.
    static let stateLimit = 10_000
    /// The most steps (pattern positions touched) an inclusion search takes before it gives up.
    static let workLimit = 200_000
    /// Longer patterns are not analysed (real idTag and charge-point globs are a few dozen characters).
    static let lengthLimit = 128

    enum Token: Hashable {
        case character(Unicode.Scalar)
        case one
        case any
    }

    static func tokens(_ pattern: String) -> [Token] {
        pattern.unicodeScalars.map { scalar in
            switch scalar {
            case "*": .any
            case "?": .one
            default: .character(scalar)
            }
        }
    }

    /// Whether `pattern` has no wildcard, so it matches only itself.
    public static func isLiteral(_ pattern: String) -> Bool {
        !pattern.unicodeScalars.contains { $0 == "*" || $0 == "?" }
    }

    /// The characters before the first wildcard; with `caseInsensitive`, ASCII-lowercased. Every
    /// text the pattern matches starts with it.
    public static func fixedPrefix(_ pattern: String, caseInsensitive: Bool) -> String {
        var prefix = String.UnicodeScalarView()
        for scalar in pattern.unicodeScalars {
            if scalar == "*" || scalar == "?" { break }
            prefix.append(caseInsensitive ? fold(scalar) : scalar)
        }
        return String(prefix)
    }

    /// `text` with ASCII letters lowercased.
    public static func folded(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map(fold)))
    }

    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar
    }

    /// Whether `text` matches `pattern`.
    public static func matches(_ text: String, _ pattern: String, caseInsensitive: Bool) -> Bool {
        GlobPattern(pattern, caseInsensitive: caseInsensitive).matches(text)
    }

    // MARK: Intersection

    /// Whether some text matches both `first` and `second`, and an example.
    public static func intersection(_ first: String, _ second: String, caseInsensitive: Bool) -> Overlap {
        let a = tokens(first)
        let b = tokens(second)
        guard a.count <= lengthLimit, b.count <= lengthLimit else { return .unknown }
        let alphabet = Alphabet(a, b, caseInsensitive: caseInsensitive)
        let width = b.count + 1
        guard (a.count + 1) * width <= stateLimit else { return .unknown }
        // Breadth-first search of the product automaton; states are (position in a, position in b),
        // numbered densely.
        var parent = [Int](repeating: -2, count: (a.count + 1) * width)
        var via = [Unicode.Scalar?](repeating: nil, count: parent.count)
        parent[0] = -1
        var queue = [0]
        var head = 0
        let accept = a.count * width + b.count
        while head < queue.count {
            let state = queue[head]
            head += 1
            if state == accept {
                var characters: [Unicode.Scalar] = []
                var cursor = state
                while parent[cursor] >= 0 {
                    if let character = via[cursor] { characters.append(character) }
                    cursor = parent[cursor]
                }
                return .witness(String(String.UnicodeScalarView(characters.reversed())))
            }
            let i = state / width
            let j = state % width
            func visit(_ next: Int, _ character: Unicode.Scalar?) {
                guard parent[next] == -2 else { return }
                parent[next] = state
                via[next] = character
                queue.append(next)
            }
            if i < a.count, a[i] == .any { visit((i + 1) * width + j, nil) }
            if j < b.count, b[j] == .any { visit(i * width + j + 1, nil) }
            for character in alphabet.characters {
                guard let nextI = step(a, i, character, alphabet), let nextJ = step(b, j, character, alphabet) else { continue }
                visit(nextI * width + nextJ, character)
            }
        }
        return .empty
    }

    /// Where a pattern at `position` goes on `character`, or nil if it cannot take it.
    private static func step(_ pattern: [Token], _ position: Int, _ character: Unicode.Scalar, _ alphabet: Alphabet) -> Int? {
        guard position < pattern.count else { return nil }
        switch pattern[position] {
        case .any: return position
        case .one: return position + 1
        case .character(let expected): return alphabet.same(expected, character) ? position + 1 : nil
        }
    }

    // MARK: Inclusion

    /// Whether every text `inner` matches also matches `outer` (`inner` ⊆ `outer`). `false` when
    /// the search is cut off.
    public static func includes(_ outer: String, _ inner: String, caseInsensitive: Bool) -> Bool {
        // Every text `outer` matches starts with its fixed prefix, while `inner` matches texts that
        // keep only its own fixed prefix (past it, a wildcard can take another character; without
        // one, the text is just that prefix). So unless `outer`'s prefix begins `inner`'s, some text
        // of `inner` escapes `outer`. Exact, and it settles most pairs of per-site globs
        // (`S5-*` against `S105-*`) without the search, which dominates lint of large policies.
        let innerPrefix = fixedPrefix(inner, caseInsensitive: caseInsensitive)
        let outerPrefix = fixedPrefix(outer, caseInsensitive: caseInsensitive)
        guard innerPrefix.unicodeScalars.starts(with: outerPrefix.unicodeScalars) else { return false }
        return counterexample(outer: outer, inner: inner, caseInsensitive: caseInsensitive) == .empty
    }

    /// A text `inner` matches and `outer` does not (`.witness`), `.empty` when there is none.
    public static func counterexample(outer: String, inner: String, caseInsensitive: Bool) -> Overlap {
        let a = tokens(inner)
        let b = tokens(outer)
        // Cheap exits: equal patterns, and a fixed prefix `outer` needs but `inner` lacks.
        if (caseInsensitive ? folded(inner) == folded(outer) : inner == outer) { return .empty }
        guard a.count <= lengthLimit, b.count <= lengthLimit else { return .unknown }
        var work = 0
        let alphabet = Alphabet(a, b, caseInsensitive: caseInsensitive)
        // inner runs as an NFA (one position); outer as a DFA (a set of positions, closed over `*`).
        struct State: Hashable {
            var position: Int
            var outer: [Int]
        }
        func closure(_ positions: some Sequence<Int>) -> [Int] {
            var result = Set<Int>()
            for start in positions {
                var position = start
                result.insert(position)
                while position < b.count, b[position] == .any {
                    position += 1
                    result.insert(position)
                }
            }
            return result.sorted()
        }
        let start = State(position: 0, outer: closure([0]))
        var parent: [State: (previous: State?, character: Unicode.Scalar?)] = [start: (nil, nil)]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            if state.position == a.count, !state.outer.contains(b.count) {
                var characters: [Unicode.Scalar] = []
                var cursor: State? = state
                while let current = cursor, let link = parent[current] {
                    if let character = link.character { characters.append(character) }
                    cursor = link.previous
                }
                return .witness(String(String.UnicodeScalarView(characters.reversed())))
            }
            work += state.outer.count * alphabet.characters.count + 1
            guard queue.count < stateLimit, work < workLimit else { return .unknown }
            var successors: [(State, Unicode.Scalar?)] = []
            if state.position < a.count, a[state.position] == .any {
                successors.append((State(position: state.position + 1, outer: state.outer), nil))
            }
            for character in alphabet.characters {
                guard let next = step(a, state.position, character, alphabet) else { continue }
                let outerNext = closure(state.outer.compactMap { step(b, $0, character, alphabet) })
                successors.append((State(position: next, outer: outerNext), character))
            }
            for (next, character) in successors where parent[next] == nil {
                parent[next] = (state, character)
                queue.append(next)
            }
        }
        return .empty
    }

    /// The characters that matter to two patterns: each literal character once (first spelling
    /// wins), then one fresh character standing for every other.
    private struct Alphabet {
        let caseInsensitive: Bool
        var characters: [Unicode.Scalar] = []

        init(_ a: [Token], _ b: [Token], caseInsensitive: Bool) {
            self.caseInsensitive = caseInsensitive
            var seen = Set<Unicode.Scalar>()
            for token in a + b {
                guard case .character(let character) = token else { continue }
                if seen.insert(caseInsensitive ? GlobAnalysis.fold(character) : character).inserted {
                    characters.append(character)
                }
            }
            let fresh = "0123456789xyzqXYZQ_-.".unicodeScalars.first { !seen.contains(caseInsensitive ? GlobAnalysis.fold($0) : $0) }
            characters.append(fresh ?? "\u{2022}")
        }

        func same(_ lhs: Unicode.Scalar, _ rhs: Unicode.Scalar) -> Bool {
            caseInsensitive ? GlobAnalysis.fold(lhs) == GlobAnalysis.fold(rhs) : lhs == rhs
        }
    }
}
