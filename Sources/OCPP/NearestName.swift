/// The candidate most like `name`, for "did you mean" hints, or `nil` when none is close.
///
/// A candidate equal to `name` wins, then one equal ignoring case. Otherwise the candidate with the
/// smallest case-insensitive edit distance (Damerau-Levenshtein, optimal string alignment: insert,
/// delete, substitute, swap two neighbours) wins if that distance is at most
/// `max(2, name.count / 3)`. Ties go to the candidate that sorts first, so the answer does not
/// depend on the order of `candidates`.
public func nearestName(to name: String, among candidates: some Sequence<String>) -> String? {
    let folded = Array(name.lowercased())
    let limit = max(2, name.count / 3)
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        if candidate == name { return candidate }
        let distance = editDistance(folded, Array(candidate.lowercased()), limit: limit)
        guard distance <= limit else { continue }
        if let current = best,
            current.distance < distance || (current.distance == distance && current.name <= candidate)
        {
            continue
        }
        best = (candidate, distance)
    }
    return best?.name
}

/// The optimal-string-alignment distance between `a` and `b` when it is at most `limit`, else some
/// value above `limit` (the computation stops early once the distance must exceed it).
func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var twoBack = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    var previousMinimum = 0
    for i in 1...a.count {
        current[0] = i
        var rowMinimum = current[0]
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                value = min(value, twoBack[j - 2] + 1)
            }
            current[j] = value
            rowMinimum = min(rowMinimum, value)
        }
        // Every alignment passes through row i or row i - 1 (a swap skips one row), and costs only grow.
        if rowMinimum > limit, previousMinimum > limit { return limit + 1 }
        previousMinimum = rowMinimum
        (twoBack, previous, current) = (previous, current, twoBack)
    }
    return previous[b.count]
}
