import OCPP
import Runtime

/// Checks backend names given on the command line against the policy.
enum BackendName {
    /// The index of backend `name`, or a usage error with a did-you-mean hint.
    static func index(of name: String, option: String, in policy: CompiledPolicy) throws(UsageError) -> Int {
        if let index = policy.backendIndex(name) { return index }
        let hint = nearestName(to: name, among: policy.backends).map { "; did you mean `\($0)`?" }
            ?? "; the policy has \(policy.backends.map { "`\($0)`" }.joined(separator: ", "))"
        throw UsageError("`\(option)`: unknown backend `\(name)`\(hint)")
    }

    /// Checks an optional name.
    static func check(_ name: String?, option: String, in policy: CompiledPolicy) throws(UsageError) {
        if let name { _ = try index(of: name, option: option, in: policy) }
    }
}
