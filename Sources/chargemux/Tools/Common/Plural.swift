/// `1 rule`, `2 rules`: a count with its noun, plural when the count is not 1.
func plural(_ count: Int, _ noun: String, _ pluralNoun: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : pluralNoun ?? noun + "s")"
}
