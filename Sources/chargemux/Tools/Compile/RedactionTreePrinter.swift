import Foundation
import Runtime

/// The redaction part of `compile --tree`: per action and message (request or response), per
/// backend, each field with its mode and rule.
struct RedactionTreePrinter {
    /// The policy to print.
    let policy: CompiledPolicy

    /// The lines of the section, indented under `redactions`.
    func lines() -> [String] {
        var lines: [String] = []
        for (index, plan) in policy.redactions.enumerated() {
            let action = policy.catalog.actions[index].name
            lines += section("\(action) request (charge point's call)", plan.request)
            lines += section("\(action) response (charge point's answer)", plan.response)
        }
        return lines.isEmpty ? ["  (none)"] : lines
    }

    private func section(_ title: String, _ perBackend: [[FieldRedaction]]) -> [String] {
        guard perBackend.contains(where: { !$0.isEmpty }) else { return [] }
        var lines = ["  \(title)"]
        let width = policy.backends.map(\.count).max() ?? 0
        for (backend, fields) in perBackend.enumerated() where !fields.isEmpty {
            let name = policy.backendName(backend).padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("    \(name)  " + Self.byRule(fields).map { run in
                "\(run.map(\.pathDescription).joined(separator: ", ")) as \(run[0].mode) (\(policy.location(ofRule: run[0].rule)))"
            }.joined(separator: "; "))
        }
        return lines
    }


    /// Consecutive fields redacted by the same rule in the same mode, as runs.
    static func byRule(_ fields: [FieldRedaction]) -> [[FieldRedaction]] {
        var runs: [[FieldRedaction]] = []
        for field in fields {
            if let last = runs.last?.last, last.rule == field.rule, last.mode == field.mode {
                runs[runs.count - 1].append(field)
            } else {
                runs.append([field])
            }
        }
        return runs
    }
}
