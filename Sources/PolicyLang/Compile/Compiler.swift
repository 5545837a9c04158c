import Crypto
import OCPP
import Runtime

/// Compiles a resolved, checked policy into the runtime's decision tree.
///
/// Rules are copied into a table per action (so evaluation never looks at another action's
/// rules), grouped by the charge-point pattern their condition starts with, and their conditions
/// lowered into predicates whose lists are hash sets and whose globs are compiled matchers.
public struct Compiler {
    let policy: ResolvedPolicy

    public init(policy: ResolvedPolicy) {
        self.policy = policy
    }

    /// The compiled policy. `sources` are hashed into `sourceHash` (the policy and its list files).
    public func compile(sourceDigestInput sources: [String]) -> CompiledPolicy {
        let actionCount = policy.catalog.actions.count
        let backendCount = policy.backends.count
        var routeLeaves: [[(GlobPattern?, RouteLeaf)]] = Array(repeating: [], count: actionCount)
        var permissionLeaves: [[(GlobPattern?, PermissionLeaf)]] = Array(repeating: [], count: actionCount)

        for route in policy.routeRules {
            for action in route.actions {
                let (pattern, residual) = liftChargePoint(route.condition, action: action.spec)
                routeLeaves[action.index].append((pattern, routeLeaf(route, condition: residual)))
            }
        }
        for permission in policy.permissionRules {
            let backends = targetSet(permission.backends)
            for action in permission.actions {
                let (pattern, residual) = liftChargePoint(permission.condition, action: action.spec)
                let leaf = PermissionLeaf(rule: permission.rule.index, allows: permission.effect == .allow,
                                          backends: backends, condition: residual)
                permissionLeaves[action.index].append((pattern, leaf))
            }
        }
        var plans = Array(repeating: RedactionPlan.none(backendCount: backendCount), count: actionCount)
        for redaction in policy.redactionRules {
            let backends = redaction.backends.indices(count: backendCount)
            for target in redaction.targets.joined() {
                let field = FieldRedaction(path: target.path, mode: mode(redaction.mode, field: target.field),
                                           caseInsensitive: target.field.type.isCaseInsensitiveString, rule: redaction.rule.index)
                for backend in backends {
                    if target.inResponse {
                        if !plans[target.actionIndex].response[backend].contains(where: { $0.path == field.path }) {
                            plans[target.actionIndex].response[backend].append(field)
                        }
                    } else if !plans[target.actionIndex].request[backend].contains(where: { $0.path == field.path }) {
                        plans[target.actionIndex].request[backend].append(field)
                    }
                }
            }
        }
        let owners = policy.ownerRules.filter { $0.backend >= 0 }.map { rule in
            OwnerNode(rule: rule.rule.index, backend: rule.backend,
                      condition: rule.condition.map { PredicateLowering(policy: policy, action: nil).lower($0) })
        }
        let userFields = policy.catalog.actions.map { spec in
            UserFields(idTagPath: PredicateLowering.idTagPath(in: spec, version: policy.version, catalog: policy.catalog),
                       connectorIdPath: PredicateLowering.connectorIdPath(in: spec, catalog: policy.catalog))
        }
        return CompiledPolicy(
            name: policy.file.header?.name ?? "", version: policy.version, sourceHash: Self.digest(sources),
            backends: policy.backends, primary: policy.primary, rules: policy.rules, ownerRules: owners,
            chargePointCalls: routeLeaves.map(Self.group), backendCalls: permissionLeaves.map(Self.group),
            redactions: plans, userFields: userFields)
    }

    private func routeLeaf(_ route: ResolvedRouteRule, condition: Predicate?) -> RouteLeaf {
        var backends = TargetSet()
        var toOwner = false
        var toPrimary = false
        var toGateway = false
        for target in route.targets {
            switch target {
            case .backend(let index): backends.insert(index)
            case .all: backends.formUnion(.all(count: policy.backends.count))
            case .owner: toOwner = true
            case .primary: toPrimary = true
            case .gateway: toGateway = true
            }
        }
        let order: [RouteLeaf.FirstTarget] = route.targets.map { target in
            switch target {
            case .backend(let index): .backend(index)
            case .all: policy.backends.isEmpty ? .gateway : .backend(0)
            case .owner: .owner
            case .primary: .primary
            case .gateway: .gateway
            }
        }
        return RouteLeaf(rule: route.rule.index, condition: condition, backends: backends, toOwner: toOwner,
                         toPrimary: toPrimary, toGateway: toGateway, firstTarget: order.first ?? .gateway,
                         targetOrder: order, answeredBy: route.answeredBy)
    }

    private func targetSet(_ selection: BackendSelection) -> TargetSet {
        var set = TargetSet()
        for index in selection.indices(count: policy.backends.count) { set.insert(index) }
        return set
    }

    private func mode(_ name: RedactionModeName, field: FieldSpec) -> RedactionMode {
        switch name {
        case .drop: .drop
        case .mask: .mask
        case .hash:
            if case .string(let maxLength?, _) = field.type.elementType { .hash(maxLength: maxLength) } else { .hash(maxLength: 64) }
        case .owner: .owner
        }
    }

    /// Splits off a top-level `chargePoint matches/== "..."` conjunct so rules group by it.
    private func liftChargePoint(_ condition: ResolvedCondition?, action: ActionSpec) -> (GlobPattern?, Predicate?) {
        guard let condition else { return (nil, nil) }
        var conjuncts = Self.conjuncts(condition)
        var pattern: GlobPattern?
        if let index = conjuncts.firstIndex(where: { Self.chargePointPattern($0) != nil }) {
            pattern = Self.chargePointPattern(conjuncts[index])
            conjuncts.remove(at: index)
        }
        let lowering = PredicateLowering(policy: policy, action: action)
        let residual: Predicate? = switch conjuncts.count {
        case 0: nil
        case 1: lowering.lower(conjuncts[0])
        default: .and(conjuncts.map(lowering.lower))
        }
        return (pattern, residual)
    }

    static func conjuncts(_ condition: ResolvedCondition) -> [ResolvedCondition] {
        if case .and(let left, let right) = condition { return conjuncts(left) + conjuncts(right) }
        return [condition]
    }

    static func chargePointPattern(_ condition: ResolvedCondition) -> GlobPattern? {
        guard case .comparison(let comparison) = condition, comparison.subject == .chargePoint else { return nil }
        switch (comparison.op, comparison.operand) {
        case (.matches, .pattern(let glob)): return GlobPattern(glob)
        case (.equal, .literal(.string(let id))) where !id.contains("*") && !id.contains("?"): return GlobPattern(id)
        default: return nil
        }
    }

    /// Consecutive leaves with the same charge-point pattern share a group; order is kept, since
    /// `answered by` and "first target" depend on file order.
    static func group<Leaf>(_ leaves: [(GlobPattern?, Leaf)]) -> ActionNode<Leaf> {
        var groups: [ChargePointGroup<Leaf>] = []
        for (pattern, leaf) in leaves {
            if let last = groups.indices.last, groups[last].chargePoints == pattern {
                groups[last].leaves.append(leaf)
            } else {
                groups.append(ChargePointGroup(chargePoints: pattern, leaves: [leaf]))
            }
        }
        return ActionNode(groups: groups)
    }

    /// A short hex digest of the policy's sources for logs.
    static func digest(_ sources: [String]) -> String {
        var hasher = SHA256()
        for source in sources {
            hasher.update(data: Array(source.utf8))
            hasher.update(data: [0])
        }
        let hexDigits = Array("0123456789abcdef")
        return String(hasher.finalize().prefix(8).flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0x0F)]] })
    }
}

extension FieldType {
    /// Whether this (or its array's elements) is an OCPP CiString.
    var isCaseInsensitiveString: Bool {
        if case .string(_, true) = elementType { return true }
        return false
    }
}
