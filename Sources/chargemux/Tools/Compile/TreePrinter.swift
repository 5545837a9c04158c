import Runtime

/// Prints a compiled policy's decision tree the way the gateway walks it: per direction, per action
/// with rules, per charge-point group, each leaf with its rule; then owner rules and redactions.
struct TreePrinter {
    /// The policy to print.
    let policy: CompiledPolicy

    /// The whole tree, ending with a line break.
    func render() -> String {
        var lines = [header, "", "charge point → backends"]
        lines += actionLines(policy.chargePointCalls, leaf: routeLeaf)
        lines += ["", "backends → charge point"]
        lines += actionLines(policy.backendCalls, leaf: permissionLeaf)
        lines += ["", "owners (first match wins)"]
        lines += policy.ownerRules.isEmpty ? ["  (none)"] : policy.ownerRules.map(ownerLine)
        lines += ["", "redactions"]
        lines += RedactionTreePrinter(policy: policy).lines()
        return lines.joined(separator: "\n") + "\n"
    }

    private var header: String {
        let backends = policy.backends.enumerated().map { index, name in index == policy.primary ? "\(name) (primary)" : name }
        return "policy `\(policy.name)` for ocpp \(policy.version.rawValue), hash \(policy.sourceHash)\n"
            + "backends: \(backends.joined(separator: ", "))"
    }

    private func actionLines<Leaf>(_ nodes: [ActionNode<Leaf>], leaf: (Leaf) -> String) -> [String] {
        var lines: [String] = []
        for (index, node) in nodes.enumerated() where !node.isEmpty {
            lines.append("  \(policy.catalog.actions[index].name)")
            for group in node.groups {
                lines.append("    " + (group.chargePoints.map { "charge points matching \"\($0)\"" } ?? "every charge point"))
                lines += group.leaves.map { "      " + leaf($0) }
            }
        }
        return lines.isEmpty ? ["  (no rules)"] : lines
    }

    private func routeLeaf(_ leaf: RouteLeaf) -> String {
        var targets = leaf.backends.map { policy.backendName($0) }
        if leaf.toOwner { targets.append("owner") }
        if leaf.toPrimary { targets.append("primary") }
        if leaf.toGateway { targets.append("gateway") }
        var text = "\(policy.location(ofRule: leaf.rule))  to \(targets.joined(separator: ", "))"
        if let responder = leaf.answeredBy { text += ", answered by \(policy.backendName(responder))" }
        return text + condition(leaf.condition)
    }

    private func permissionLeaf(_ leaf: PermissionLeaf) -> String {
        let backends = leaf.backends.map { policy.backendName($0) }.joined(separator: ", ")
        return "\(policy.location(ofRule: leaf.rule))  \(leaf.allows ? "allow" : "deny") \(backends)" + condition(leaf.condition)
    }

    private func ownerLine(_ node: OwnerNode) -> String {
        let when = node.condition.map { "  when \($0)" } ?? "  otherwise"
        return "  \(policy.location(ofRule: node.rule))  \(policy.backendName(node.backend))" + when
    }

    private func condition(_ predicate: Predicate?) -> String { predicate.map { "  when \($0)" } ?? "" }

}
