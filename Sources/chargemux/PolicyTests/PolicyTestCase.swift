import OCPP

/// A test file: the cases it holds, in file order.
struct PolicyTestSuite: Sendable {
    /// The test file's path as the user gave it.
    var file: String
    var cases: [PolicyTestCase]
}

/// One case: a message, who sent it, and what the policy should decide.
struct PolicyTestCase: Sendable {
    /// Who sends the message.
    enum Sender: Sendable, Equatable {
        /// A charge point's call, routed by `route` rules (`from: CP-1`).
        case chargePoint(String)
        /// A backend's call to a charge point, governed by `allow`/`deny` (`backend:` and `chargePoint:`).
        case backend(name: String, index: Int, chargePoint: String)

        var chargePoint: String {
            switch self {
            case .chargePoint(let id), .backend(_, _, let id): id
            }
        }
    }

    var name: String
    /// Where the case starts in the test file.
    var line: Int
    var column: Int
    var sender: Sender
    var action: String
    var payload: JSONValue
    /// The owner backend of the ongoing transaction, as the gateway's state would know it.
    var transactionOwner: String?
    /// When the message arrives, in seconds since 1970 (the case's `now`, else the file's);
    /// `nil` means the real clock, allowed only when no rule reads `now`.
    var now: Double?
    var expect: Expectation
}

/// What a case expects; every field is optional, `nil` means "not checked".
struct Expectation: Sendable {
    /// How the gateway handles a charge-point call.
    enum Outcome: String, Sendable, CaseIterable {
        /// Forwarded to the targets; a backend answers.
        case forward
        /// The gateway answers the charge point itself.
        case gateway
        /// The gateway answers with a CALLERROR.
        case reject
    }

    /// Who answers a charge-point call.
    enum Responder: Sendable, Equatable, CustomStringConvertible {
        case backend(String)
        case gateway
        /// Nobody: the call is rejected.
        case none

        var description: String {
            switch self {
            case .backend(let name): name
            case .gateway: "gateway"
            case .none: "none"
            }
        }
    }

    // Charge-point calls.
    var targets: Set<String>?
    var responder: Responder?
    var outcome: Outcome?
    var error: String?
    /// `.some(nil)` expects no owner.
    var owner: String??
    var redacted: [(backend: String, check: RedactionCheck)] = []
    /// Every matching rule (route rules and the owner rule, or allow/deny rules).
    var rules: [RuleReference]?

    // Backend calls.
    var allowed: Bool?
    /// The deciding allow/deny rule; `.some(nil)` expects the default deny.
    var rule: RuleReference??

    /// Whether nothing is expected at all.
    var isEmpty: Bool {
        targets == nil && responder == nil && outcome == nil && error == nil && owner == nil && redacted.isEmpty
            && rules == nil && allowed == nil && rule == nil
    }
}

/// What a backend should see of a charge-point call after redaction.
enum RedactionCheck: Sendable {
    /// Each listed path has this value after redaction (or is gone, for `~dropped`), and
    /// redaction changed no other path. `{}` therefore means "nothing redacted".
    case fields([(path: PayloadPath, value: ExpectedValue)])
    /// Exactly these paths were changed by redaction, whatever their new values.
    case changedPaths(Set<String>)
}

/// A value a field should have after redaction.
enum ExpectedValue: Sendable, CustomStringConvertible {
    case value(JSONValue)
    /// The field is absent (`~dropped`).
    case dropped

    static let droppedMarker = "~dropped"

    var description: String {
        switch self {
        case .value(let value): value.serialized
        case .dropped: Self.droppedMarker
        }
    }
}

/// A rule cited by a test, `site.policy:17` or a `@name`, bound to the policy's rule index.
struct RuleReference: Sendable, Equatable {
    /// As written in the test file.
    var text: String
    var index: Int
}
