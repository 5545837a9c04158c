import OCPP

extension Resolver {
    mutating func resolveOwner(_ rule: OwnerRule) -> ResolvedOwnerRule {
        let info = registerRule(.owner, span: rule.span, annotation: rule.annotation)
        let backend = backend(rule.backend)
        let condition = rule.condition.flatMap { resolveCondition($0, scope: .owner) }
        return ResolvedOwnerRule(rule: info, backend: backend ?? -1, condition: condition, syntax: rule)
    }

    mutating func resolveRoute(_ rule: RouteRule) -> ResolvedRouteRule {
        let info = registerRule(.route, span: rule.span, annotation: rule.annotation)
        let actions = actions(rule.actions, sentBy: .chargePoint)
        var targets: [RouteTarget] = []
        for target in rule.targets {
            let bound: RouteTarget?
            switch target.name {
            case "all": bound = .all
            case "owner": bound = .owner
            case "primary": bound = .primary
            case "gateway": bound = .gateway
            default: bound = backend(target).map(RouteTarget.backend)
            }
            if let bound, !targets.contains(bound) { targets.append(bound) }
        }
        let condition = rule.condition.flatMap { resolveCondition($0, scope: .actions(actions)) }
        let answeredBy = rule.answeredBy.flatMap { backend($0) }
        return ResolvedRouteRule(rule: info, actions: actions, targets: targets, condition: condition,
                                 answeredBy: answeredBy, syntax: rule)
    }

    mutating func resolvePermission(_ rule: PermissionRule) -> ResolvedPermissionRule {
        let info = registerRule(rule.effect == .allow ? .allow : .deny, span: rule.span, annotation: rule.annotation)
        let backends = backendSelection(rule.backends)
        let actions = actions(rule.actions, sentBy: .backend)
        let condition = rule.condition.flatMap { resolveCondition($0, scope: .actions(actions)) }
        return ResolvedPermissionRule(rule: info, effect: rule.effect, backends: backends, actions: actions,
                                      condition: condition, syntax: rule)
    }

    mutating func resolveRedaction(_ rule: RedactionRule) -> ResolvedRedactionRule {
        let info = registerRule(.redact, span: rule.span, annotation: rule.annotation)
        let backends = backendSelection(rule.backends)
        // What a backend sees from a charge point: its calls' requests, and its answers to the
        // backend's own calls.
        var scopes: [(action: ActionReference, schema: ObjectSchema, inResponse: Bool)] = []
        if let names = rule.actions {
            for name in names {
                guard let index = catalog.actionIndex(named: name.name), let spec = catalog.action(named: name.name) else {
                    _ = actions([name], sentBy: .chargePoint)
                    continue
                }
                let reference = ActionReference(spec: spec, index: index, span: name.span)
                if spec.direction.chargePointMaySend { scopes.append((reference, spec.request, false)) }
                if spec.direction.backendMaySend { scopes.append((reference, spec.response, true)) }
            }
        } else {
            for (index, spec) in catalog.actions.enumerated() {
                let reference = ActionReference(spec: spec, index: index, span: rule.span)
                if spec.direction.chargePointMaySend { scopes.append((reference, spec.request, false)) }
                if spec.direction.backendMaySend { scopes.append((reference, spec.response, true)) }
            }
        }
        var targets: [[RedactionTarget]] = []
        for field in rule.fields {
            var found: [RedactionTarget] = []
            for scope in scopes {
                let paths = field.segments.count == 1 && field.segments[0] != "idTag"
                    ? paths(endingWith: field.segments[0], in: scope.schema)
                    : idTagAwarePaths(field.segments, in: scope.schema)
                for path in paths {
                    guard let spec = catalog.field(at: path, in: scope.schema) else { continue }
                    found.append(RedactionTarget(actionIndex: scope.action.index, actionName: scope.action.name,
                                                 inResponse: scope.inResponse, path: path, field: spec))
                }
            }
            if found.isEmpty && !scopes.isEmpty {
                let where_ = rule.actions.map { "`" + $0.map(\.name).joined(separator: "`, `") + "`" } ?? "any message a charge point sends"
                let candidates = scopes.flatMap { allFieldPaths(in: $0.schema) }
                report(.unknownField, "field `\(field)` is not in \(where_)", at: field.span,
                       help: suggestion(for: field.description, among: candidates))
            }
            targets.append(found)
        }
        return ResolvedRedactionRule(rule: info, backends: backends, mode: rule.mode, targets: targets, syntax: rule)
    }

    /// Every path in `schema` whose last member is `name`. The paths of each schema are listed
    /// once per policy: a policy may have thousands of `redact` rules without `in`, each of which
    /// looks in every action's schema.
    private mutating func paths(endingWith name: String, in schema: ObjectSchema) -> [[String]] {
        let key = ObjectIdentifier(schema)
        if let byName = pathsByLastName[key] { return byName[name] ?? [] }
        let byName = Dictionary(grouping: catalog.allPaths(in: schema), by: { $0.last ?? "" })
        pathsByLastName[key] = byName
        return byName[name] ?? []
    }

    /// `idTag` stands for the user's token in either version: every `idTag` field in 1.6, every
    /// `idToken.idToken` in 2.0.1. Other dotted paths are taken from the payload root.
    private mutating func idTagAwarePaths(_ segments: [String], in schema: ObjectSchema) -> [[String]] {
        if segments == ["idTag"] {
            switch version {
            case .v16: return paths(endingWith: "idTag", in: schema)
            case .v201:
                return paths(endingWith: "idToken", in: schema).filter { path in
                    if case .string = catalog.fieldType(at: path, in: schema) { return path.count >= 2 }
                    return false
                }
            }
        }
        return catalog.fieldType(at: segments, in: schema) == nil ? [] : [segments]
    }

    /// Every field path in a schema, for suggestions.
    func allFieldPaths(in schema: ObjectSchema, prefix: [String] = []) -> [String] {
        var paths: [String] = []
        for field in schema.fields {
            let path = prefix + [field.name]
            paths.append(path.joined(separator: "."))
            if case .object(let nested) = field.type.elementType {
                paths += allFieldPaths(in: nested, prefix: path)
            }
        }
        return paths
    }
}
