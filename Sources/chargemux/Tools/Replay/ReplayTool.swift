import Foundation
import Runtime

/// `chargemux replay`: runs a capture through a policy and reports per backend and action.
struct ReplayTool: Sendable {
    /// The policy file.
    var path: String
    /// The capture, one JSON object per line.
    var capturePath: String
    /// The gateway config (`--config`); its hash key keys pseudonyms.
    var configPath: String?
    /// Table or JSON.
    var format: ReplayFormat = .table
    /// Where the config's `env:` values come from.
    var environment: [String: String] = [:]

    /// Exit 1 when the policy does not compile, the capture cannot be read, or a line is bad.
    func run() -> ToolOutput {
        let loaded: LoadedPolicy
        do { loaded = try PolicyLoader.load(path: path, configPath: configPath, environment: environment) } catch {
            return error.output
        }
        guard let data = FileManager.default.contents(atPath: capturePath) else {
            return .failure("cannot read capture `\(capturePath)`")
        }
        let key = loaded.config?.hashKey ?? Array(ExplainTool.defaultHashKey.utf8)
        var replayer = Replayer(policy: loaded.compiled, redactor: Redactor(hashKey: key))
        let text = String(decoding: data, as: UTF8.self)
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            do { replayer.replay(try CaptureEntry(parsing: trimmed, line: offset + 1)) } catch {
                replayer.reject(line: offset + 1, error.message)
            }
        }
        let stats = replayer.stats
        let problems = stats.problems.map { "\(capturePath):\($0.line): \($0.message)\n" }.joined()
        let report = ReplayReport(policy: loaded.compiled, capture: capturePath, stats: stats)
        let output = format == .json ? ReplayJSONFormatter.document(report).prettyPrinted + "\n" : ReplayTableFormatter.render(report)
        return ToolOutput(stdout: output, stderr: problems, status: stats.problems.isEmpty ? .ok : .findings)
    }
}

/// A replay's stats with the policy they were counted against.
struct ReplayReport: Sendable {
    /// The policy replayed through.
    var policy: CompiledPolicy
    /// The capture's path, as given.
    var capture: String
    /// The counts.
    var stats: ReplayStats

    /// Per backend in policy order, its actions in name order.
    var rows: [(backend: String, action: String, stats: ActionStats)] {
        policy.backends.indices.flatMap { backend in
            (stats.backends[backend] ?? [:]).sorted { $0.key < $1.key }.map { (policy.backends[backend], $0.key, $0.value) }
        }
    }

    /// `3 lines, ...` with every total.
    var totals: String {
        let routed = stats.chargePointCalls - stats.rejectedCount
        return "\(plural(stats.lines, "line")): \(plural(stats.chargePointCalls, "charge-point call")) (\(routed) routed, "
            + "\(stats.rejectedCount) rejected), \(plural(stats.backendCalls, "backend call")) (\(stats.allowedCount) allowed, "
            + "\(stats.deniedCount) denied), \(plural(stats.answers, "answer")) to backend calls, "
            + "\(plural(stats.ignored, "other frame")), \(plural(stats.problems.count, "bad line"))"
    }
}
