import OCPP
import Runtime

/// `chargemux explain`: why a policy routes a charge point's call, or lets a backend's call through.
struct ExplainTool: Sendable {
    /// The hash key used when neither `--hash-key` nor the config's `redaction.hashKey` is given, so
    /// explanations are reproducible. The gateway's real pseudonyms differ.
    static let defaultHashKey = "chargemux-explain-test-key"

    /// The policy file.
    var path: String
    /// The gateway config (`--config`).
    var configPath: String?
    /// The charge point that sends the call (`--from`).
    var from: String?
    /// The backend that sends the call (`--backend`).
    var backend: String?
    /// The charge point a backend's call goes to (`--charge-point`).
    var chargePoint: String?
    /// The OCPP-J frame (`--message`).
    var message: String
    /// The transaction's owner (`--owner`).
    var owner: String?
    /// The pseudonym key (`--hash-key`).
    var hashKey: String?
    /// Text or JSON.
    var format: ExplainFormat = .text
    /// Where the config's `env:` values come from.
    var environment: [String: String] = [:]

    /// Explains the call: exit 0, 1 when the policy or config fails, 2 on a usage error.
    func run() -> ToolOutput {
        do { return try explain() } catch { return error.output }
    }

    private func explain() throws(ToolFailure) -> ToolOutput {
        let call: CallMessage
        do {
            try checkDirection()
            call = try CallMessage(parsing: message)
        } catch { throw .usage(error) }
        let loaded = try PolicyLoader.load(path: path, configPath: configPath, environment: environment)
        let policy = loaded.compiled
        do { try BackendName.check(owner, option: "--owner", in: policy) } catch { throw .usage(error) }
        if let from {
            let (key, source) = redactionKey(config: loaded.config)
            let explainer = RouteExplainer(policy: policy, redactor: Redactor(hashKey: key), usesDefaultKey: source == "default")
            let explanation = explainer.explain(call, from: from, owner: owner)
            return ToolOutput(stdout: format == .json
                ? ExplainJSONFormatter.document(explanation, hashKey: source).prettyPrinted + "\n"
                : ExplainTextFormatter.render(explanation))
        }
        let index: Int
        do { index = try BackendName.index(of: backend ?? "", option: "--backend", in: policy) } catch { throw .usage(error) }
        let explanation = PermissionExplainer(policy: policy).explain(call, backend: index, chargePoint: chargePoint, owner: owner)
        return ToolOutput(stdout: format == .json
            ? ExplainJSONFormatter.document(explanation).prettyPrinted + "\n"
            : ExplainTextFormatter.render(explanation))
    }

    /// Exactly one of `--from` and `--backend`; `--charge-point` only with `--backend`.
    func checkDirection() throws(UsageError) {
        switch (from, backend) {
        case (nil, nil): throw UsageError("give `--from CP-ID` for a charge point's call or `--backend NAME` for a backend's")
        case (.some, .some): throw UsageError("give either `--from` or `--backend`, not both")
        case (.some, nil) where chargePoint != nil:
            throw UsageError("`--charge-point` goes with `--backend`; with `--from` the sender is the charge point")
        default: return
        }
    }

    /// The hash key and where it came from: `option`, `config` or `default`.
    private func redactionKey(config: ConfigInput?) -> ([UInt8], String) {
        if let hashKey { return (Array(hashKey.utf8), "option") }
        if let key = config?.hashKey { return (key, "config") }
        return (Array(Self.defaultHashKey.utf8), "default")
    }
}
