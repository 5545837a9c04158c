/// Glob matching for charge point ids: `*` is any run of characters, `?` is one character.
enum Glob {
    /// Whether `text` matches `pattern`; iterative with backtracking to the last `*`, so linear
    /// in practice and never exponential.
    static func matches(pattern: [Character], text: [Character]) -> Bool {
        var p = 0, t = 0
        var star: Int?, starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                starText = t
                p += 1
            } else if let star {
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
