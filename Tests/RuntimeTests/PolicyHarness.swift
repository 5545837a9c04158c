import OCPP
import PolicyLang
import Runtime
import Testing

/// Compiles inline policies for semantic tests and reads decisions by backend name.
struct PolicyHarness {
    let policy: CompiledPolicy

    init(_ text: String, lists: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = PolicyPipeline.compile(source: SourceFile(path: "test.policy", text: text)) { path in
            guard let text = lists[(path as NSString).lastPathComponent] else { throw CocoaError(.fileNoSuchFile) }
            return text
        }
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(DiagnosticRenderer.headline))", sourceLocation: sourceLocation)
        policy = try #require(result.compiled, sourceLocation: sourceLocation)
    }

    func route(_ action: String, _ payload: JSONValue, from chargePoint: String = "CP-1", owner: String? = nil,
               now: Double = 1_800_000_000) -> RouteDecision {
        policy.route(action: action, payload: payload,
                     context: MessageContext(chargePoint: chargePoint, transactionOwner: owner, now: now), trace: true)
    }

    func authorize(_ backend: String, _ action: String, _ payload: JSONValue, chargePoint: String = "CP-1",
                   owner: String? = nil) -> PermissionDecision {
        policy.authorize(backend: policy.backendIndex(backend) ?? -1, action: action, payload: payload,
                         context: MessageContext(chargePoint: chargePoint, transactionOwner: owner), trace: true)
    }

    func names(_ targets: TargetSet) -> Set<String> { Set(targets.map { policy.backends[$0] }) }

    func responder(_ decision: RouteDecision) -> String? {
        switch decision.responder {
        case .backend(let index)?: policy.backends[index]
        case .gateway?: "gateway"
        case nil: nil
        }
    }

    /// The rule at `line` of the test policy.
    func rule(atLine line: Int) -> Int? { policy.rules.first { $0.line == line }?.index }
}

import Foundation
