import OCPP

/// A scripted sequence of calls a simulated charge point makes, as data.
///
/// Each step is one CALL. A step's payload may use what earlier answers said (the transaction
/// id a `StartTransaction` got), through ``ChargePointStory/Memory``. `chargemux simulate
/// chargepoint` and `chargemux demo` run stories with ``ChargePointStoryRunner``.
public struct ChargePointStory: Sendable {
    /// What earlier steps learned: transaction ids by session name.
    public struct Memory: Sendable, Equatable {
        /// The transaction id each session's `StartTransaction` got.
        public var transactionIds: [String: Int] = [:]

        public init() {}

        /// The session's transaction id, or -1 when its start failed (the story goes on; the
        /// answers will say what went wrong).
        public func transactionId(_ session: String) -> Int { transactionIds[session] ?? -1 }
    }

    /// One CALL of the story.
    public struct Step: Sendable {
        /// A stable name for the step: `boot`, `fleet.start`, ...
        public var label: String
        public var action: String
        /// The payload, from what earlier steps learned.
        public var payload: @Sendable (Memory) -> JSONValue
        /// When set, the answer's `transactionId` is remembered under this session name.
        public var remembersTransactionOf: String?

        public init(_ label: String, _ action: String, remembersTransactionOf session: String? = nil,
                    payload: @escaping @Sendable (Memory) -> JSONValue) {
            self.label = label
            self.action = action
            self.payload = payload
            self.remembersTransactionOf = session
        }

        /// A step whose payload does not depend on earlier answers.
        public init(_ label: String, _ action: String, _ payload: JSONValue) {
            self.init(label, action) { _ in payload }
        }
    }

    /// The story's name, as `--story` takes it.
    public var name: String
    public var steps: [Step]

    public init(name: String, steps: [Step]) {
        self.name = name
        self.steps = steps
    }

    /// The stories `--story` knows, by name.
    public static let all: [ChargePointStory] = [.linkingWorld, .bootOnly]

    /// The story named `name`, if there is one.
    public static func named(_ name: String) -> ChargePointStory? { all.first { $0.name == name } }
}
