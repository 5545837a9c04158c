import NIOConcurrencyHelpers
import PolicyLang
import Runtime

/// The policy the gateway enforces, replaced atomically on reload.
///
/// Sessions read `current` before each message, so a reload takes effect between messages and
/// never in the middle of one. A policy that fails to compile is refused with its diagnostics and
/// the running one stays.
public final class PolicyStore: Sendable {
    /// One loaded policy and its generation, which goes up with every successful reload.
    public struct Loaded: Sendable {
        public let policy: CompiledPolicy
        public let generation: Int
    }

    /// Why a (re)load was refused: the rendered diagnostics of the policy.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let diagnostics: [Diagnostic]
        public let rendered: String

        public var description: String { rendered }
    }

    private let path: String
    private let backendNames: [String]
    private let state: NIOLockedValueBox<Loaded>

    /// Loads the policy at `path`, checked against the config's backends.
    public init(path: String, backendNames: [String]) throws(LoadError) {
        self.path = path
        self.backendNames = backendNames
        let policy = try Self.compile(path: path, backendNames: backendNames)
        self.state = NIOLockedValueBox(Loaded(policy: policy, generation: 1))
    }

    /// The policy in force.
    public var current: Loaded { state.withLockedValue { $0 } }

    /// Re-reads and recompiles the policy file. On success the new policy replaces the old one
    /// and is returned; on failure nothing changes and the error says why.
    @discardableResult
    public func reload() throws(LoadError) -> Loaded {
        let policy = try Self.compile(path: path, backendNames: backendNames)
        return state.withLockedValue { loaded in
            loaded = Loaded(policy: policy, generation: loaded.generation + 1)
            return loaded
        }
    }

    private static func compile(path: String, backendNames: [String]) throws(LoadError) -> CompiledPolicy {
        let result = PolicyPipeline.compile(path: path, configBackends: backendNames)
        guard let compiled = result.compiled else {
            let errors = result.diagnostics.filter { $0.severity == .error }
            let renderer = DiagnosticRenderer(sources: [result.source])
            throw LoadError(diagnostics: errors, rendered: renderer.render(errors))
        }
        return compiled
    }
}
