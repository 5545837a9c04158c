import Foundation
import OCPP
import Runtime
import Yams

/// Reads a test file into cases bound to a compiled policy: backend names, rule citations and
/// messages are checked here, so the runner only compares decisions.
///
/// Every mistake is collected, each with its position and a fix, so one run shows them all.
struct PolicyTestLoader {
    static let rootKeys = ["now", "cases"]
    static let caseKeys = ["name", "from", "backend", "chargePoint", "message", "transactionOwner", "now", "expect"]

    let file: String
    let policy: CompiledPolicy
    let ruleReferences: RuleReferences
    var problems: [TestFileProblem] = []
    /// The file's `now:`, the default of every case.
    var defaultNow: Double?

    init(file: String, policy: CompiledPolicy) {
        self.file = file
        self.policy = policy
        self.ruleReferences = RuleReferences(rules: policy.rules)
    }

    /// Reads and binds the test file at `path`.
    static func load(path: String, policy: CompiledPolicy) -> Result<PolicyTestSuite, TestFileProblems> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(TestFileProblems([TestFileProblem(file: path, line: 0, column: 0, message: "cannot read test file `\(path)`",
                                             help: "check the path and its permissions")]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(TestFileProblems([TestFileProblem(file: path, line: 0, column: 0, message: "`\(path)` is not UTF-8 text",
                                             help: "save the test file as UTF-8")]))
        }
        return parse(yaml: text, file: path, policy: policy)
    }

    /// Binds test-file text as if it were the file `file`.
    static func parse(yaml: String, file: String, policy: CompiledPolicy) -> Result<PolicyTestSuite, TestFileProblems> {
        var loader = PolicyTestLoader(file: file, policy: policy)
        let suite = loader.parseDocument(yaml)
        if let suite, loader.problems.isEmpty { return .success(suite) }
        let sorted = loader.problems.enumerated().sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
        return .failure(TestFileProblems(sorted.map(\.element)))
    }

    // MARK: Document

    private mutating func parseDocument(_ yaml: String) -> PolicyTestSuite? {
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            problems.append(.yamlSyntax(error, file: file, text: yaml))
            return nil
        }
        guard let document else {
            problems.append(TestFileProblem(file: file, line: 1, column: 1, message: "the test file is empty",
                                            help: "start with `cases:` and a list of cases; see docs/policy-tests.md"))
            return nil
        }
        guard let root = CheckedMapping(document, what: "the test file", known: Self.rootKeys, file: file, problems: &problems)
        else { return nil }
        guard let casesNode = root["cases"] else {
            problems.append(TestFileProblem(file: file, at: document, "the test file has no `cases:`",
                                            help: "add `cases:` with a list of cases; see docs/policy-tests.md"))
            return nil
        }
        guard case .sequence(let items) = casesNode else {
            problems.append(TestFileProblem(file: file, at: casesNode, "`cases` must be a list, found \(casesNode.kindDescription)",
                                            help: "write each case as a list item starting with `- name: ...`"))
            return nil
        }
        if let nowNode = root["now"] { defaultNow = parseNow(nowNode) }
        var cases: [PolicyTestCase] = []
        var names: [String: Int] = [:]
        for item in items {
            if let testCase = parseCase(item, names: &names) { cases.append(testCase) }
        }
        if items.isEmpty {
            problems.append(TestFileProblem(file: file, at: casesNode, "`cases` is empty", help: "add at least one case"))
        }
        return PolicyTestSuite(file: file, cases: cases)
    }

    // MARK: Cases

    private mutating func parseCase(_ node: Node, names: inout [String: Int]) -> PolicyTestCase? {
        let before = problems.count
        guard let map = CheckedMapping(node, what: "a case", known: Self.caseKeys, file: file, problems: &problems)
        else { return nil }
        let name = requiredText("name", in: map, what: "a case", help: "give every case a unique `name:`")
        if let name, let nameNode = map["name"] {
            if let firstLine = names[name] {
                problems.append(TestFileProblem(file: file, at: nameNode, "case name `\(name)` is already used at line \(firstLine)",
                                                help: "give every case its own name; the summary and CI cite cases by name"))
            } else {
                names[name] = nameNode.mark?.line ?? 0
            }
        }
        let sender = parseSender(map)
        let message = parseMessage(map, sender: sender)
        var transactionOwner: String?
        if let ownerNode = map["transactionOwner"] { transactionOwner = backendName(ownerNode, what: "`transactionOwner`") }
        var now = defaultNow
        if let nowNode = map["now"] {
            now = parseNow(nowNode)
        } else if now == nil, policy.readsClock {
            problems.append(TestFileProblem(file: file, at: map.keyNode("name") ?? node,
                                            "the policy has time-bounded rules (`now`), but case `\(name ?? "?")` has no `now:`",
                                            help: "add `now: \"2026-12-01T12:00:00Z\"` to the case, or once at the top of the "
                                                + "file, so the result does not depend on the day the tests run"))
        }
        var expectation: Expectation?
        if let expectNode = map["expect"] {
            expectation = parseExpectation(expectNode, sender: sender, action: message?.spec)
        } else {
            problems.append(TestFileProblem(file: file, at: node, "case `\(name ?? "?")` has no `expect:`",
                                            help: "add `expect:` with what the policy should decide, e.g. `expect: { targets: [billing] }`"))
        }
        guard problems.count == before, let name, let sender, let message, let expectation else { return nil }
        return PolicyTestCase(name: name, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, sender: sender,
                              action: message.spec.name, payload: message.payload, transactionOwner: transactionOwner,
                              now: now, expect: expectation)
    }

    private mutating func parseSender(_ map: CheckedMapping) -> PolicyTestCase.Sender? {
        let fromNode = map["from"]
        let backendNode = map["backend"]
        switch (fromNode, backendNode) {
        case (let fromNode?, nil):
            if let chargePointKey = map.keyNode("chargePoint") {
                problems.append(TestFileProblem(file: file, at: chargePointKey,
                                                "`chargePoint` is for backend calls; `from` already names the charge point",
                                                help: "remove `chargePoint`, or replace `from` with `backend: NAME` for a backend's call"))
                return nil
            }
            return chargePointID(fromNode, what: "`from`").map(PolicyTestCase.Sender.chargePoint)
        case (nil, let backendNode?):
            let name = backendName(backendNode, what: "`backend`")
            guard let chargePointNode = map["chargePoint"] else {
                problems.append(TestFileProblem(file: file, at: map.keyNode("backend"),
                                                "a backend call needs `chargePoint:`, the charge point it is sent to",
                                                help: "add e.g. `chargePoint: CP-1`"))
                return nil
            }
            let chargePoint = chargePointID(chargePointNode, what: "`chargePoint`")
            guard let name, let chargePoint, let index = policy.backendIndex(name) else { return nil }
            return .backend(name: name, index: index, chargePoint: chargePoint)
        case (_?, _?):
            problems.append(TestFileProblem(file: file, at: map.keyNode("backend"),
                                            "a case has either `from` (a charge point's call) or `backend` (a backend's call), not both",
                                            help: "split it into two cases"))
            return nil
        case (nil, nil):
            problems.append(TestFileProblem(file: file, at: map.node, "a case needs a sender",
                                            help: "add `from: CP-1` for a charge point's call, or `backend: NAME` and "
                                                + "`chargePoint: CP-1` for a backend's call"))
            return nil
        }
    }

    // MARK: Messages

    private mutating func parseMessage(_ map: CheckedMapping, sender: PolicyTestCase.Sender?) -> (spec: ActionSpec, payload: JSONValue)? {
        guard let node = map["message"] else {
            problems.append(TestFileProblem(file: file, at: map.node, "a case needs `message:`",
                                            help: "add the OCPP-J call, e.g. `message: [2, \"1\", \"Heartbeat\", {}]`"))
            return nil
        }
        let frameHelp = "write an OCPP-J call: `[2, \"MESSAGE-ID\", \"Action\", {payload}]`"
        let value: JSONValue
        var payloadNode = node
        switch node {
        case .sequence(let elements):
            do { value = try node.jsonValue(file: file) } catch {
                problems.append(error)
                return nil
            }
            if elements.count == 4 { payloadNode = elements[3] }
        case .scalar where node.text != nil:
            do { value = try JSONValue(parsing: node.text ?? "") } catch {
                problems.append(TestFileProblem(file: file, at: node, "`message` is not valid json: \(error.reason)", help: frameHelp))
                return nil
            }
        default:
            problems.append(TestFileProblem(file: file, at: node, "`message` must be an OCPP-J call, found \(node.kindDescription)",
                                            help: frameHelp))
            return nil
        }
        let frame: OCPPFrame
        do { frame = try OCPPFrame(value) } catch {
            problems.append(TestFileProblem(file: file, at: node, "`message` is not an OCPP-J frame: \(error.reason)", help: frameHelp))
            return nil
        }
        guard case .call(_, let action, let payload) = frame else {
            problems.append(TestFileProblem(file: file, at: node, "`message` must be a call (`[2, ...]`), not a call result or error",
                                            help: "policies route and authorize calls; " + frameHelp))
            return nil
        }
        let catalog = policy.catalog
        guard let spec = catalog.action(named: action) else {
            problems.append(TestFileProblem(file: file, at: node, "unknown action `\(action)` for ocpp \(policy.version.rawValue)",
                                            help: catalog.nearestActionName(to: action).map { "did you mean `\($0)`?" }
                                                ?? "the policy is for ocpp \(policy.version.rawValue)"))
            return nil
        }
        switch sender {
        case .chargePoint? where !spec.direction.chargePointMaySend:
            problems.append(TestFileProblem(file: file, at: node, "charge points do not send `\(action)`; backends do",
                                            help: "replace `from:` with `backend: NAME` and `chargePoint: ID`"))
            return nil
        case .backend? where !spec.direction.backendMaySend:
            problems.append(TestFileProblem(file: file, at: node, "backends do not send `\(action)`; charge points do",
                                            help: "replace `backend:` and `chargePoint:` with `from: ID`"))
            return nil
        default:
            break
        }
        let violations = catalog.validate(payload, against: spec.request)
        for violation in violations {
            problems.append(TestFileProblem(
                file: file, at: payloadNode,
                "the `\(action)` payload breaks the ocpp \(policy.version.rawValue) schema: \(violation.message) (\(violation.code))",
                help: "test with messages a real charge point or backend could send; the gateway rejects this one before the policy sees it"))
        }
        // Returned even when it breaks the schema (already reported), so `redacted` paths are checked too.
        return (spec, payload)
    }

    // MARK: Scalars

    /// A `now:` date-time.
    private mutating func parseNow(_ node: Node) -> Double? {
        guard let text = node.text, let seconds = RFC3339Time.parse(text) else {
            problems.append(TestFileProblem(file: file, at: node, "`now` must be an RFC 3339 date-time, found \(node.kindDescription)",
                                            help: "write it with a time zone, like `now: \"2026-12-01T12:00:00Z\"`"))
            return nil
        }
        return seconds
    }

    mutating func requiredText(_ key: String, in map: CheckedMapping, what: String, help: String) -> String? {
        guard let node = map[key] else {
            problems.append(TestFileProblem(file: file, at: map.node, "\(what) needs `\(key):`", help: help))
            return nil
        }
        guard let text = node.text, !text.isEmpty else {
            problems.append(TestFileProblem(file: file, at: node, "`\(key)` must be text, found \(node.kindDescription)", help: help))
            return nil
        }
        return text
    }

    private mutating func chargePointID(_ node: Node, what: String) -> String? {
        guard let text = node.text, !text.isEmpty else {
            problems.append(TestFileProblem(file: file, at: node, "\(what) must be a charge point id, found \(node.kindDescription)",
                                            help: "write e.g. `CP-1`"))
            return nil
        }
        return text
    }

    /// A backend of the policy; reports other names with the nearest backend.
    mutating func backendName(_ node: Node, what: String) -> String? {
        guard let text = node.text, !text.isEmpty else {
            problems.append(TestFileProblem(file: file, at: node, "\(what) must be a backend name, found \(node.kindDescription)",
                                            help: "the backends are " + backendList))
            return nil
        }
        guard policy.backendIndex(text) != nil else {
            problems.append(TestFileProblem(file: file, at: node, "\(what) names `\(text)`, which is not a backend of the policy",
                                            help: nearestName(to: text, among: policy.backends).map { "did you mean `\($0)`?" }
                                                ?? "the backends are " + backendList))
            return nil
        }
        return text
    }

    var backendList: String { policy.backends.map { "`\($0)`" }.joined(separator: ", ") }
}
