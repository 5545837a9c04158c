import Foundation
import OCPP
import Runtime

/// One expectation that did not hold: `targets: expected [ems, fleet], got [billing, ems]`.
struct Mismatch: Sendable, Equatable, CustomStringConvertible {
    /// The expectation's key, `targets` or `redacted.ems.idTag`.
    var field: String
    var expected: String
    var actual: String

    var description: String { "\(field): expected \(expected), got \(actual)" }
}

/// The result of one case.
struct CaseResult: Sendable {
    var testCase: PolicyTestCase
    var mismatches: [Mismatch]
    /// Every rule the decision's trace names, by index.
    var exercisedRules: Set<Int>

    var passed: Bool { mismatches.isEmpty }
}

/// Runs cases against a compiled policy exactly as the gateway evaluates messages.
struct PolicyTestRunner {
    let policy: CompiledPolicy
    let redactor: Redactor

    init(policy: CompiledPolicy, hashKey: [UInt8]) {
        self.policy = policy
        self.redactor = Redactor(hashKey: hashKey)
    }

    func run(_ suite: PolicyTestSuite) -> [CaseResult] { suite.cases.map(run) }

    func run(_ testCase: PolicyTestCase) -> CaseResult {
        let context = MessageContext(chargePoint: testCase.sender.chargePoint, transactionOwner: testCase.transactionOwner,
                                     now: testCase.now ?? Date().timeIntervalSince1970)
        switch testCase.sender {
        case .chargePoint:
            return runChargePointCall(testCase, context: context)
        case .backend(_, let backend, _):
            return runBackendCall(testCase, backend: backend, context: context)
        }
    }

    // MARK: Charge-point calls

    private func runChargePointCall(_ testCase: PolicyTestCase, context: MessageContext) -> CaseResult {
        let decision = policy.route(action: testCase.action, payload: testCase.payload, context: context, trace: true)
        let expect = testCase.expect
        var mismatches: [Mismatch] = []
        var exercised = Set(decision.matchedRules)
        if let rule = decision.ownerRule { exercised.insert(rule) }
        if let rule = decision.responderRule { exercised.insert(rule) }

        let targets = Set(decision.targets.map { policy.backends[$0] })
        if let expected = expect.targets, expected != targets {
            mismatches.append(Mismatch(field: "targets", expected: Self.list(expected), actual: Self.list(targets)))
        }
        let responder: Expectation.Responder = switch decision.responder {
        case .backend(let index)?: .backend(policy.backends[index])
        case .gateway?: .gateway
        case nil: .none
        }
        if let expected = expect.responder, expected != responder {
            mismatches.append(Mismatch(field: "responder", expected: expected.description, actual: responderText(responder, decision)))
        }
        let (outcome, errorCode, reason) = Self.outcome(of: decision)
        if let expected = expect.outcome, expected != outcome {
            let actual = reason.map { "\(outcome.rawValue) (\(errorCode ?? "?"): \($0))" } ?? outcome.rawValue
            mismatches.append(Mismatch(field: "outcome", expected: expected.rawValue, actual: actual))
        }
        if let expected = expect.error, expected != errorCode {
            let actual = errorCode.map { code in reason.map { "\(code) (\($0))" } ?? code } ?? "none (outcome \(outcome.rawValue))"
            mismatches.append(Mismatch(field: "error", expected: expected, actual: actual))
        }
        let owner = decision.owner.map { policy.backends[$0] }
        if let expected = expect.owner, expected != owner {
            mismatches.append(Mismatch(field: "owner", expected: expected ?? "none", actual: ownerText(owner, decision)))
        }
        // Every target gets its own redacted copy; redaction rules that changed a copy count as exercised.
        var copies: [String: (payload: JSONValue, changed: [String])] = [:]
        for index in decision.targets {
            let redactions = policy.redactions(action: testCase.action, inResponse: false, backend: index)
            let (payload, changed) = redactor.apply(redactions, to: testCase.payload, owner: owner)
            copies[policy.backends[index]] = (payload, changed)
            for redaction in redactions where changed.contains(redaction.pathDescription) { exercised.insert(redaction.rule) }
        }
        for (backend, check) in expect.redacted {
            mismatches += RedactionComparison.compare(check, backend: backend, copy: copies[backend])
        }
        if let expected = expect.rules {
            var matched = Set(decision.matchedRules)
            if let rule = decision.ownerRule { matched.insert(rule) }
            mismatches += compareRules(expected, matched)
        }
        return CaseResult(testCase: testCase, mismatches: mismatches, exercisedRules: exercised)
    }

    static func outcome(of decision: RouteDecision) -> (Expectation.Outcome, errorCode: String?, reason: String?) {
        switch decision.outcome {
        case .forward: (.forward, nil, nil)
        case .gatewayAnswers: (.gateway, nil, nil)
        case .reject(let code, let reason): (.reject, code, reason)
        }
    }

    private func responderText(_ responder: Expectation.Responder, _ decision: RouteDecision) -> String {
        guard let rule = decision.responderRule else { return responder.description }
        return "\(responder) (by \(RuleReferences.display(policy.rules[rule])))"
    }

    private func ownerText(_ owner: String?, _ decision: RouteDecision) -> String {
        guard let owner else { return "none" }
        guard let rule = decision.ownerRule else { return "\(owner) (the transaction's owner)" }
        return "\(owner) (by \(RuleReferences.display(policy.rules[rule])))"
    }

    // MARK: Backend calls

    private func runBackendCall(_ testCase: PolicyTestCase, backend: Int, context: MessageContext) -> CaseResult {
        let decision = policy.authorize(backend: backend, action: testCase.action, payload: testCase.payload,
                                        context: context, trace: true)
        let expect = testCase.expect
        var mismatches: [Mismatch] = []
        var exercised = Set(decision.matchedRules)
        if let rule = decision.rule { exercised.insert(rule) }
        let ruleText = decision.rule.map { RuleReferences.display(policy.rules[$0]) } ?? "none (default deny)"
        if let expected = expect.allowed, expected != decision.allowed {
            mismatches.append(Mismatch(field: "allowed", expected: String(expected), actual: "\(decision.allowed) (by \(ruleText))"))
        }
        if let expected = expect.rule, expected?.index != decision.rule {
            mismatches.append(Mismatch(field: "rule", expected: expected.map { ruleDisplay($0) } ?? "none (default deny)",
                                       actual: ruleText))
        }
        if let expected = expect.rules {
            mismatches += compareRules(expected, Set(decision.matchedRules))
        }
        return CaseResult(testCase: testCase, mismatches: mismatches, exercisedRules: exercised)
    }

    // MARK: Rules

    private func compareRules(_ expected: [RuleReference], _ actual: Set<Int>) -> [Mismatch] {
        let wanted = Set(expected.map(\.index))
        guard wanted != actual else { return [] }
        return [Mismatch(field: "rules", expected: rulesText(wanted), actual: rulesText(actual))]
    }

    private func rulesText(_ indices: Set<Int>) -> String {
        "[" + indices.sorted().map { RuleReferences.display(policy.rules[$0]) }.joined(separator: ", ") + "]"
    }

    private func ruleDisplay(_ reference: RuleReference) -> String { RuleReferences.display(policy.rules[reference.index]) }

    static func list(_ names: Set<String>) -> String { "[" + names.sorted().joined(separator: ", ") + "]" }
}
