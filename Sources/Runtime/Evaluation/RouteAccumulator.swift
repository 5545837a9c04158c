/// The route rules that match one charge-point call, gathered in file order, and what they add
/// up to: targets, and the candidates for who answers.
///
/// Rules are read field by field where they lie (`leaves[index].backends`), never copied out
/// whole: a copy of a rule retains its condition and target list, which on the hot path cost
/// more than the rest of the decision.
struct RouteAccumulator {
    /// The owner backend of the message's user or transaction, and the owner rule that said so
    /// (absent when the gateway gave the transaction's owner).
    let owner: Int?
    let ownerRule: Int?
    let primary: Int?
    let trace: Bool
    private(set) var targets = TargetSet()
    private(set) var gatewayIsTarget = false
    private(set) var anyMatched = false
    private(set) var answeredBy: (backend: Int, rule: Int)?
    private(set) var firstBackend: (backend: Int, rule: Int)?
    /// The rules that made the owner, the primary and the gateway targets: by name, `all` or keyword.
    private(set) var ownerTargetRule: Int?
    private(set) var primaryTargetRule: Int?
    private(set) var gatewayTargetRule: Int?
    /// Matching rules, filled only when tracing: routing allocates nothing without it.
    private(set) var matched: [Int] = []

    init(owner: Int?, ownerRule: Int?, primary: Int?, trace: Bool) {
        self.owner = owner
        self.ownerRule = ownerRule
        self.primary = primary
        self.trace = trace
    }

    /// Adds the rules of `leaves` whose condition holds for `input`.
    mutating func add(_ leaves: [RouteLeaf], _ input: EvaluationInput) {
        for index in leaves.indices {
            if let condition = leaves[index].condition, !condition.evaluate(input) { continue }
            let rule = leaves[index].rule
            let backends = leaves[index].backends
            anyMatched = true
            if trace { matched.append(rule) }
            targets.formUnion(backends)
            if leaves[index].toOwner, let owner { targets.insert(owner) }
            if leaves[index].toPrimary, let primary { targets.insert(primary) }
            if leaves[index].toGateway {
                gatewayIsTarget = true
                if gatewayTargetRule == nil { gatewayTargetRule = rule }
            }
            if ownerTargetRule == nil, let owner, backends.contains(owner) || leaves[index].toOwner {
                ownerTargetRule = rule
            }
            if primaryTargetRule == nil, let primary, backends.contains(primary) || leaves[index].toPrimary {
                primaryTargetRule = rule
            }
            if answeredBy == nil, let backend = leaves[index].answeredBy { answeredBy = (backend, rule) }
            if firstBackend == nil, let backend = firstPresentTarget(leaves[index].targetOrder) {
                firstBackend = (backend, rule)
            }
        }
    }

    /// The first of a rule's targets as written that is a backend in the decision: a named backend,
    /// the owner if there is one, the primary if there is one; `gateway` is not a backend.
    private func firstPresentTarget(_ order: [RouteLeaf.FirstTarget]) -> Int? {
        for target in order {
            switch target {
            case .backend(let index): return index
            case .owner: if let owner { return owner }
            case .primary: if let primary { return primary }
            case .gateway: continue
            }
        }
        return nil
    }
}
