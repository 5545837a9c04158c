import OCPP
import Runtime

/// A parsed policy with every name bound: actions to the catalog, backends to indices, lists to
/// their entries and field paths to schema types. The checker and the compiler both start here.
public struct ResolvedPolicy: Sendable {
    public var file: PolicyFile
    public var version: OCPPVersion
    public var catalog: OCPPCatalog
    /// Every backend, in declaration order (the `backends` statement, else the config, else first use).
    public var backends: [String]
    /// Where each backend was first named in the policy, if it was.
    public var backendMentions: [String: SourceSpan]
    /// Whether `backends` came from a `backends` statement, the gateway config or first use.
    public var backendSource: BackendSource
    public var primary: Int?
    public var lists: [String: ResolvedList]
    public var ownerRules: [ResolvedOwnerRule]
    public var routeRules: [ResolvedRouteRule]
    public var permissionRules: [ResolvedPermissionRule]
    public var redactionRules: [ResolvedRedactionRule]
    /// Every rule's identity, indexed by `RuleInfo.index`.
    public var rules: [RuleInfo]

    public enum BackendSource: Sendable {
        case declaration(SourceSpan)
        case config
        case usage
    }

    /// The index of backend `name`.
    public func backendIndex(_ name: String) -> Int? { backends.firstIndex(of: name) }
}

/// A named list of idTags (or other strings) with where it was declared.
public struct ResolvedList: Sendable {
    public var name: String
    public var span: SourceSpan
    /// The entries as written, in order, without duplicates.
    public var entries: [String]
    /// The file the entries came from, for `from file` lists.
    public var path: String?
}

/// Backends a rule applies to: `all`, or a set.
public enum BackendSelection: Sendable, Equatable {
    case all
    case some([Int])

    /// Whether the selection includes backend `index`.
    public func contains(_ index: Int) -> Bool {
        switch self {
        case .all: true
        case .some(let indices): indices.contains(index)
        }
    }

    /// The indices selected among `count` backends.
    public func indices(count: Int) -> [Int] {
        switch self {
        case .all: Array(0..<count)
        case .some(let indices): indices
        }
    }
}

/// An action name bound to the catalog.
public struct ActionReference: Sendable {
    public var spec: ActionSpec
    /// The catalog's dense index of the action.
    public var index: Int
    public var span: SourceSpan

    public var name: String { spec.name }
}

public struct ResolvedOwnerRule: Sendable {
    public var rule: RuleInfo
    public var backend: Int
    /// `nil` for `otherwise`.
    public var condition: ResolvedCondition?
    public var syntax: OwnerRule
}

/// A route target: a backend or one of the keywords.
public enum RouteTarget: Sendable, Hashable {
    case backend(Int)
    /// Every backend.
    case all
    /// The owner of the message's user or transaction, when there is one.
    case owner
    /// The `primary` backend.
    case primary
    /// The gateway answers itself.
    case gateway
}

public struct ResolvedRouteRule: Sendable {
    public var rule: RuleInfo
    public var actions: [ActionReference]
    public var targets: [RouteTarget]
    public var condition: ResolvedCondition?
    public var answeredBy: Int?
    public var syntax: RouteRule
}

public struct ResolvedPermissionRule: Sendable {
    public var rule: RuleInfo
    public var effect: PermissionRule.Effect
    public var backends: BackendSelection
    public var actions: [ActionReference]
    public var condition: ResolvedCondition?
    public var syntax: PermissionRule
}

/// One field a redaction rewrites in one action's payload.
public struct RedactionTarget: Sendable, Hashable {
    /// The catalog index of the action.
    public var actionIndex: Int
    public var actionName: String
    /// Whether the field is in the action's request (a charge-point call) or its response (the
    /// charge point's answer to a backend's call).
    public var inResponse: Bool
    /// The path from the payload root; arrays are walked through.
    public var path: [String]
    public var field: FieldSpec

    public static func == (lhs: RedactionTarget, rhs: RedactionTarget) -> Bool {
        lhs.actionIndex == rhs.actionIndex && lhs.inResponse == rhs.inResponse && lhs.path == rhs.path
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(actionIndex)
        hasher.combine(inResponse)
        hasher.combine(path)
    }
}

public struct ResolvedRedactionRule: Sendable {
    public var rule: RuleInfo
    public var backends: BackendSelection
    public var mode: RedactionModeName
    /// Every (action, field) the rule rewrites, per field path as written (same order as `syntax.fields`).
    public var targets: [[RedactionTarget]]
    public var syntax: RedactionRule
}
