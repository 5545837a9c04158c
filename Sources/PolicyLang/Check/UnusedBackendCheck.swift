/// W104: a declared or configured backend that no rule names gets nothing but `all` routes, and
/// may say nothing.
struct UnusedBackendCheck: PolicyCheck {
    static func run(_ context: inout CheckContext) {
        let policy = context.policy
        var candidates = policy.backends
        if let config = context.configBackends {
            candidates += config.filter { !candidates.contains($0) }
        }
        let span: SourceSpan
        switch policy.backendSource {
        case .declaration(let declarationSpan): span = declarationSpan
        case .config, .usage: span = context.headerSpan
        }
        for backend in candidates where policy.backendMentions[backend] == nil {
            let origin = context.configBackends?.contains(backend) == true ? "the gateway config" : "the `backends` statement"
            context.report(.unusedBackend, "backend `\(backend)` from \(origin) is not named by any rule", at: span,
                           help: "route messages to it, allow it commands, or remove it")
        }
    }
}
