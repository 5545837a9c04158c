import Foundation
import OCPP

extension CompiledPolicy {
    /// The owner of a user by the owner rules: first match wins. Returns the backend and the rule.
    public func owner(idTag: String?, chargePoint: String, connectorId: Int? = nil,
                      now: Double = Date().timeIntervalSince1970) -> (backend: Int, rule: Int)? {
        let input = EvaluationInput(chargePoint: chargePoint, payload: .null, idTag: idTag, connectorId: connectorId,
                                    now: now, owner: nil)
        return owner(of: input)
    }

    /// First match wins: the earliest indexed rule that matches, unless a rule of another shape
    /// before it matches first.
    func owner(of input: EvaluationInput) -> (backend: Int, rule: Int)? {
        // Not `idTag.map(ownerIndex.earliestIndexedMatch)`: that closure copies the whole index.
        var indexed = Int.max
        if let idTag = input.idTag { indexed = ownerIndex.earliestIndexedMatch(idTag) }
        for position in ownerIndex.others {
            guard position < indexed else { break }
            let node = ownerRules[position]
            guard let condition = node.condition else { return (node.backend, node.rule) }
            if condition.evaluate(input) { return (node.backend, node.rule) }
        }
        guard indexed < ownerRules.count else { return nil }
        return (ownerRules[indexed].backend, ownerRules[indexed].rule)
    }

    /// Gathers what tests read from a message of action `actionIndex`.
    func input(actionIndex: Int?, payload: JSONValue, context: MessageContext) -> EvaluationInput {
        var idTag: String?
        var connectorId: Int?
        if let actionIndex {
            let fields = userFields[actionIndex]
            if let path = fields.idTagPath { idTag = Self.value(at: path, in: payload)?.stringValue }
            // Only owner rules read the connector; skip the lookup and the number parse otherwise.
            if ownersReadConnector, let path = fields.connectorIdPath {
                connectorId = Self.value(at: path, in: payload)?.intValue
            }
        }
        return EvaluationInput(chargePoint: context.chargePoint, payload: payload, idTag: idTag, connectorId: connectorId,
                               now: context.now, owner: context.transactionOwner)
    }

    /// The member at `path` (no array walking), or `nil`. A loop, not recursion over slices: it
    /// runs twice for every message.
    static func value(at path: [String], in value: JSONValue) -> JSONValue? {
        var current = value
        for key in path {
            guard case .object(let object) = current, let member = object[key] else { return nil }
            current = member
        }
        return current
    }
}
