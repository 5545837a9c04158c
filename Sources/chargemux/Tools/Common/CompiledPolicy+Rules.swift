import Runtime

extension CompiledPolicy {
    /// The rule with `index`, if there is one.
    func rule(_ index: Int?) -> RuleInfo? {
        guard let index, rules.indices.contains(index) else { return nil }
        return rules[index]
    }

    /// `site.policy:14`, or `rule 14` for an index the table lacks.
    func location(ofRule index: Int) -> String { rule(index)?.location ?? "rule \(index)" }

    /// The backend's name, or `backend 3` for an index the table lacks.
    func backendName(_ index: Int) -> String { backends.indices.contains(index) ? backends[index] : "backend \(index)" }
}
