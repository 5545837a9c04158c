import OCPP
import Runtime
import Yams

extension PolicyTestLoader {
    static let chargePointKeys = ["targets", "responder", "outcome", "error", "owner", "redacted", "rules"]
    static let backendKeys = ["allowed", "rule", "rules"]

    /// CALLERROR codes of OCPP-J 1.6 and 2.0.1.
    static let errorCodes = [
        "FormatViolation", "FormationViolation", "GenericError", "InternalError", "MessageTypeNotSupported",
        "NotImplemented", "NotSupported", "OccurenceConstraintViolation", "OccurrenceConstraintViolation",
        "PropertyConstraintViolation", "ProtocolError", "RpcFrameworkError", "SecurityError", "TypeConstraintViolation",
    ]

    /// Reads `expect:`; the keys allowed depend on who sends the message.
    mutating func parseExpectation(_ node: Node, sender: PolicyTestCase.Sender?, action: ActionSpec?) -> Expectation? {
        let before = problems.count
        let known = Self.chargePointKeys + Self.backendKeys.filter { !Self.chargePointKeys.contains($0) }
        guard let map = CheckedMapping(node, what: "`expect`", known: known, file: file, problems: &problems) else { return nil }
        // Empty as written; a mapping whose only keys are unknown has been reported already.
        guard !map.isEmpty || map.unknownKeyCount > 0 else {
            problems.append(TestFileProblem(file: file, at: node, "`expect` is empty",
                                            help: "expect at least one thing, e.g. `targets: [billing]` or `allowed: true`"))
            return nil
        }
        guard !map.isEmpty else { return nil }
        if let sender {
            let isCharge = if case .chargePoint = sender { true } else { false }
            let allowedKeys = isCharge ? Self.chargePointKeys : Self.backendKeys
            for entry in map.entries where !allowedKeys.contains(entry.key) {
                let help = isCharge
                    ? "`\(entry.key)` is for backend calls (`backend:`); a charge point's call expects "
                        + Self.chargePointKeys.map { "`\($0)`" }.joined(separator: ", ")
                    : "`\(entry.key)` is for charge-point calls (`from:`); a backend's call expects `allowed`, `rule` and `rules`"
                problems.append(TestFileProblem(file: file, at: entry.keyNode, "`expect.\(entry.key)` does not apply to this case",
                                                help: help))
            }
        }
        var expectation = Expectation()
        if let node = map["targets"] { expectation.targets = parseTargets(node) }
        if let node = map["responder"] { expectation.responder = parseResponder(node) }
        if let node = map["outcome"] {
            if let text = node.text, let outcome = Expectation.Outcome(rawValue: text) {
                expectation.outcome = outcome
            } else {
                problems.append(TestFileProblem(file: file, at: node, "`outcome` must be `forward`, `gateway` or `reject`, found \(node.kindDescription)",
                                                help: "`forward`: a backend answers; `gateway`: the gateway answers itself; `reject`: a CALLERROR"))
            }
        }
        if let node = map["error"] { expectation.error = parseErrorCode(node) }
        if let node = map["owner"] {
            if node.text == "none" { expectation.owner = .some(nil) } else if let name = backendName(node, what: "`owner`") {
                expectation.owner = .some(name)
            }
        }
        if let node = map["redacted"] { expectation.redacted = parseRedacted(node, action: action) }
        if let node = map["rules"] { expectation.rules = parseRuleList(node) }
        if let node = map["allowed"] {
            if case .scalar = node, node.tagName == .bool, let flag = node.bool {
                expectation.allowed = flag
            } else {
                problems.append(TestFileProblem(file: file, at: node, "`allowed` must be `true` or `false`, found \(node.kindDescription)"))
            }
        }
        if let node = map["rule"] {
            if node.text == "none" { expectation.rule = .some(nil) } else if let reference = parseRule(node) {
                expectation.rule = .some(reference)
            }
        }
        checkConsistency(expectation, in: map)
        return problems.count == before ? expectation : nil
    }

    private mutating func parseTargets(_ node: Node) -> Set<String>? {
        guard case .sequence(let items) = node else {
            problems.append(TestFileProblem(file: file, at: node, "`targets` must be a list of backends, found \(node.kindDescription)",
                                            help: "write e.g. `targets: [billing, ems]`, or `targets: []` for none"))
            return nil
        }
        var names: Set<String> = []
        var valid = true
        for item in items {
            if item.text == "gateway" {
                problems.append(TestFileProblem(file: file, at: item, "`gateway` is not a backend and never gets a copy",
                                                help: "list backends only; check the gateway's answer with `responder: gateway` or `outcome: gateway`"))
                valid = false
            } else if let name = backendName(item, what: "`targets`") {
                names.insert(name)
            } else {
                valid = false
            }
        }
        return valid ? names : nil
    }

    private mutating func parseResponder(_ node: Node) -> Expectation.Responder? {
        switch node.text {
        case "gateway": return .gateway
        case "none": return Expectation.Responder.none
        default:
            guard let text = node.text, policy.backendIndex(text) != nil else {
                let near = node.text.flatMap { nearestName(to: $0, among: policy.backends + ["gateway", "none"]) }
                problems.append(TestFileProblem(file: file, at: node,
                                                "`responder` must be a backend, `gateway` or `none`, found \(node.kindDescription)",
                                                help: near.map { "did you mean `\($0)`?" } ?? "the backends are " + backendList))
                return nil
            }
            return .backend(text)
        }
    }

    private mutating func parseErrorCode(_ node: Node) -> String? {
        guard let text = node.text, Self.errorCodes.contains(text) else {
            let near = node.text.flatMap { nearestName(to: $0, among: Self.errorCodes) }
            problems.append(TestFileProblem(file: file, at: node, "`error` must be an OCPP-J CALLERROR code, found \(node.kindDescription)",
                                            help: near.map { "did you mean `\($0)`?" }
                                                ?? "a call no rule routes gets `NotSupported`"))
            return nil
        }
        return text
    }

    // MARK: Rules

    mutating func parseRule(_ node: Node) -> RuleReference? {
        guard let text = node.text, !text.isEmpty else {
            problems.append(TestFileProblem(file: file, at: node, "a rule is cited as `FILE:LINE` or by its `@name`, found \(node.kindDescription)",
                                            help: "write e.g. `\(policy.rules.first.map(RuleReferences.location) ?? "site.policy:10")`, in quotes"))
            return nil
        }
        switch ruleReferences.resolve(text) {
        case .success(let index): return RuleReference(text: text, index: index)
        case .failure(let error):
            problems.append(TestFileProblem(file: file, at: node, error.message, help: error.help))
            return nil
        }
    }

    private mutating func parseRuleList(_ node: Node) -> [RuleReference]? {
        guard case .sequence(let items) = node else {
            problems.append(TestFileProblem(file: file, at: node, "`rules` must be a list of rules, found \(node.kindDescription)",
                                            help: "write e.g. `rules: [\"site.policy:17\", \"fleet-datatransfer\"]`"))
            return nil
        }
        let references = items.compactMap { parseRule($0) }
        return references.count == items.count ? references : nil
    }

    // MARK: Redactions

    private mutating func parseRedacted(_ node: Node, action: ActionSpec?) -> [(backend: String, check: RedactionCheck)] {
        guard case .mapping(let mapping) = node else {
            problems.append(TestFileProblem(file: file, at: node, "`redacted` must map backends to what they see, found \(node.kindDescription)",
                                            help: "write e.g. `redacted: { ems: { idTag: fleet }, billing: {} }`"))
            return []
        }
        var checks: [(backend: String, check: RedactionCheck)] = []
        for (key, value) in mapping {
            guard let backend = backendName(key, what: "`redacted`") else { continue }
            switch value {
            case .mapping(let fields):
                var expected: [(path: PayloadPath, value: ExpectedValue)] = []
                for (pathNode, valueNode) in fields {
                    guard let path = payloadPath(pathNode, action: action) else { continue }
                    if valueNode.isPlainScalar, valueNode.text == ExpectedValue.droppedMarker {
                        expected.append((path, .dropped))
                    } else {
                        do { expected.append((path, .value(try valueNode.jsonValue(file: file)))) } catch { problems.append(error) }
                    }
                }
                checks.append((backend, .fields(expected)))
            case .sequence(let items):
                var paths: Set<String> = []
                for item in items {
                    guard let path = payloadPath(item, action: action) else { continue }
                    if path.segments.contains(where: { if case .index = $0 { true } else { false } }) {
                        problems.append(TestFileProblem(file: file, at: item, "a list of redacted fields names fields, not array items",
                                                        help: "write `\(path.fieldNames.joined(separator: "."))`"))
                        continue
                    }
                    paths.insert(path.description)
                }
                checks.append((backend, .changedPaths(paths)))
            default:
                problems.append(TestFileProblem(file: file, at: value,
                                                "`redacted.\(backend)` must be a mapping of fields to values or a list of fields, found \(value.kindDescription)",
                                                help: "write `{ idTag: fleet }`, `{ iccid: ~dropped }`, `[idTag]`, or `{}` for nothing redacted"))
            }
        }
        return checks
    }

    private mutating func payloadPath(_ node: Node, action: ActionSpec?) -> PayloadPath? {
        guard let text = node.text, let path = PayloadPath(text) else {
            problems.append(TestFileProblem(file: file, at: node, "expected a field path such as `idTag` or `chargingStation.modem.iccid`, found \(node.kindDescription)"))
            return nil
        }
        guard let action else { return path }
        guard policy.catalog.field(at: path.fieldNames, in: action.request) != nil else {
            let help = policy.catalog.nearestFieldPath(to: path.fieldNames, in: action.request).map { "did you mean `\($0)`?" }
            problems.append(TestFileProblem(file: file, at: node, "`\(action.name)` has no field `\(text)`", help: help))
            return nil
        }
        return path
    }

    // MARK: Consistency

    private mutating func checkConsistency(_ expectation: Expectation, in map: CheckedMapping) {
        guard let outcome = expectation.outcome else { return }
        if expectation.error != nil, outcome != .reject {
            problems.append(TestFileProblem(file: file, at: map.keyNode("error"), "`error` expects a CALLERROR, but `outcome` is `\(outcome.rawValue)`",
                                            help: "write `outcome: reject`, or remove `error`"))
        }
        guard let responder = expectation.responder else { return }
        let consistent = switch (outcome, responder) {
        case (.forward, .backend), (.gateway, .gateway), (.reject, .none): true
        default: false
        }
        if !consistent {
            problems.append(TestFileProblem(file: file, at: map.keyNode("responder"),
                                            "`responder: \(responder)` contradicts `outcome: \(outcome.rawValue)`",
                                            help: "`forward` goes with a backend, `gateway` with `gateway`, `reject` with `none`"))
        }
    }
}
