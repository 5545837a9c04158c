import Foundation
import Runtime

/// The result of running a policy through every stage.
public struct PolicyCompilation: Sendable {
    /// The decision tree, when the policy has no errors.
    public var compiled: CompiledPolicy?
    /// The bound policy, when the header could be read (for tools that inspect rules).
    public var resolved: ResolvedPolicy?
    /// Every finding of every stage, sorted by position.
    public var diagnostics: [Diagnostic]
    /// The policy source, for quoting lines in diagnostics.
    public var source: SourceFile

    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// Parse, resolve, check and compile: the one compile step that `chargemux lint`, `explain`,
/// `test`, `replay` and the gateway all call, so "passes lint" means "loads".
public enum PolicyPipeline {
    /// Compiles the policy file at `path`.
    ///
    /// - Parameter configBackends: the backends of the gateway config, when one is given; every
    ///   backend the policy names must then be among them.
    public static func compile(path: String, configBackends: [String]? = nil,
                               readListFile: @escaping Resolver.ListFileReader = Resolver.readFileFromDisk) -> PolicyCompilation {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                return failure(path: path, message: "`\(path)` is not valid UTF-8 text", help: "save the policy as UTF-8")
            }
            text = decoded
        } catch {
            return failure(path: path, message: "cannot read policy file `\(path)`", help: "check the path and its permissions")
        }
        return compile(source: SourceFile(path: path, text: text), configBackends: configBackends, readListFile: readListFile)
    }

    /// Compiles a policy from its text.
    public static func compile(source: SourceFile, configBackends: [String]? = nil,
                               readListFile: @escaping Resolver.ListFileReader = Resolver.readFileFromDisk) -> PolicyCompilation {
        let (file, syntaxDiagnostics) = Parser.parse(source)
        var diagnostics = syntaxDiagnostics
        let digestInputs = LockedList()
        let reader: Resolver.ListFileReader = { path in
            let text = try readListFile(path)
            digestInputs.append(text)
            return text
        }
        let (resolved, resolveDiagnostics) = Resolver.resolve(file, configBackends: configBackends, readListFile: reader)
        diagnostics += resolveDiagnostics
        var compiled: CompiledPolicy?
        if let resolved {
            diagnostics += Checker.check(resolved, configBackends: configBackends)
            if !diagnostics.hasErrors {
                compiled = Compiler(policy: resolved).compile(sourceDigestInput: [source.text] + digestInputs.values)
            }
        }
        return PolicyCompilation(compiled: compiled, resolved: resolved, diagnostics: diagnostics.sortedForOutput, source: source)
    }

    private static func failure(path: String, message: String, help: String) -> PolicyCompilation {
        let source = SourceFile(path: path, text: "")
        let diagnostic = Diagnostic(.missingHeader, message, in: source, at: .fileStart, help: help)
        return PolicyCompilation(compiled: nil, resolved: nil, diagnostics: [diagnostic], source: source)
    }
}

/// Collects list-file texts read during resolution (the reader is `@Sendable`).
private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var values: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
