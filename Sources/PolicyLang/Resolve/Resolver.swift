import OCPP
import Runtime

/// Binds the names of a parsed policy: actions, backends, lists and field paths.
///
/// Reports what cannot be bound (unknown action, backend, list or field; a type mismatch) and
/// drops it, so the later stages see a consistent policy and the user sees every problem at once.
public struct Resolver {
    /// Reads a list file; injectable so tests and the fuzzer need no files.
    public typealias ListFileReader = @Sendable (_ path: String) throws -> String

    /// Words with a meaning of their own that cannot name a backend.
    static let reservedBackendNames: Set<String> = ["all", "gateway", "owner", "primary"]

    let file: PolicyFile
    let source: SourceFile
    let version: OCPPVersion
    let catalog: OCPPCatalog
    let configBackends: [String]?
    let readListFile: ListFileReader
    var diagnostics: [Diagnostic] = []
    var backends: [String] = []
    var backendMentions: [String: SourceSpan] = [:]
    var backendSource: ResolvedPolicy.BackendSource = .usage
    var lists: [String: ResolvedList] = [:]
    var usedLists: Set<String> = []
    var rules: [RuleInfo] = []
    /// The first rule of each `@name`, so a duplicate is found without scanning every rule.
    var rulesByName: [String: RuleInfo] = [:]
    /// Per schema: its member paths by last member name (see `paths(endingWith:in:)`).
    var pathsByLastName: [ObjectIdentifier: [String: [[String]]]] = [:]

    /// Resolves `file`. Returns `nil` (with the parser's diagnostics explaining why) when the file
    /// has no usable header, since nothing can be bound without an OCPP version.
    public static func resolve(_ file: PolicyFile, configBackends: [String]? = nil,
                               readListFile: @escaping ListFileReader = Resolver.readFileFromDisk)
        -> (policy: ResolvedPolicy?, diagnostics: [Diagnostic])
    {
        guard let version = file.version else { return (nil, []) }
        var resolver = Resolver(file: file, version: version, configBackends: configBackends, readListFile: readListFile)
        let policy = resolver.run()
        return (policy, resolver.diagnostics)
    }

    init(file: PolicyFile, version: OCPPVersion, configBackends: [String]?, readListFile: @escaping ListFileReader) {
        self.file = file
        self.source = file.source
        self.version = version
        self.catalog = OCPPCatalog.forVersion(version)
        self.configBackends = configBackends
        self.readListFile = readListFile
    }

    mutating func run() -> ResolvedPolicy {
        declareBackends()
        declareLists()
        var primary: Int?
        var owners: [ResolvedOwnerRule] = []
        var routes: [ResolvedRouteRule] = []
        var permissions: [ResolvedPermissionRule] = []
        var redactions: [ResolvedRedactionRule] = []
        var primarySpan: SourceSpan?
        for declaration in file.declarations {
            switch declaration {
            case .list, .backends:
                continue
            case .primary(let statement):
                if let earlier = primarySpan {
                    report(.duplicateDeclaration, "`primary` is declared twice", at: statement.span,
                           help: "keep one `primary` statement",
                           notes: [Diagnostic.Note("first declared here", in: source, at: earlier)])
                    continue
                }
                primarySpan = statement.span
                primary = backend(statement.backend)
            case .owner(let rule):
                owners.append(resolveOwner(rule))
            case .route(let rule):
                routes.append(resolveRoute(rule))
            case .permission(let rule):
                permissions.append(resolvePermission(rule))
            case .redaction(let rule):
                redactions.append(resolveRedaction(rule))
            }
        }
        reportUnusedLists()
        return ResolvedPolicy(file: file, version: version, catalog: catalog, backends: backends,
                              backendMentions: backendMentions, backendSource: backendSource, primary: primary,
                              lists: lists, ownerRules: owners, routeRules: routes, permissionRules: permissions,
                              redactionRules: redactions, rules: rules)
    }

    // MARK: Reporting

    mutating func report(_ code: DiagnosticCode, _ message: String, at span: SourceSpan, label: String? = nil,
                         help: String? = nil, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(code, message, in: source, at: span, label: label, help: help, notes: notes))
    }

    /// "did you mean `x`?" when a near name exists (never the name itself: an attribute such as
    /// `connectorId` is a candidate, but not a fix for an action that lacks it).
    func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        nearestName(to: name, among: candidates.lazy.filter { $0 != name }).map { "did you mean `\($0)`?" }
    }

    // MARK: Rules

    /// Registers a rule and returns its identity.
    mutating func registerRule(_ kind: RuleKind, span: SourceSpan, annotation: RuleAnnotation?) -> RuleInfo {
        let position = source.position(of: span.start)
        if let name = annotation?.name, let earlier = rulesByName[name] {
            report(.duplicateDeclaration, "rule name `\(name)` is already used by the rule at line \(earlier.line)",
                   at: annotation?.span ?? span, help: "give each rule its own name")
        }
        let text = source.text(of: span).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: " \t") }.joined(separator: " ")
        let info = RuleInfo(index: rules.count, kind: kind, file: source.path, line: position.line,
                            column: position.column, name: annotation?.name, text: text)
        rules.append(info)
        if let name = annotation?.name, rulesByName[name] == nil { rulesByName[name] = info }
        return info
    }
}

extension Substring {
    func trimmingCharacters(in characters: String) -> Substring {
        var slice = self
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return slice
    }
}
