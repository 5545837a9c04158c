import OCPP

/// What one step of a story got.
public struct StoryStepResult: Sendable {
    public var label: String
    public var action: String
    public var messageId: String?
    public var request: JSONValue
    /// The answer, when one came.
    public var answer: OCPPFrame?
    /// Why there was no answer (not connected, timed out).
    public var failure: String?

    public init(label: String, action: String, messageId: String? = nil, request: JSONValue, answer: OCPPFrame? = nil,
                failure: String? = nil) {
        self.label = label
        self.action = action
        self.messageId = messageId
        self.request = request
        self.answer = answer
        self.failure = failure
    }

    /// Whether the step got a CALLRESULT.
    public var succeeded: Bool {
        if case .callResult = answer { return true }
        return false
    }

    /// The CALLRESULT's payload, if the step got one.
    public var answerPayload: JSONValue? {
        if case .callResult(_, let payload) = answer { return payload }
        return nil
    }

    /// `CALLRESULT {…}`, `CALLERROR Code: description` or the failure.
    public var outcome: String {
        switch answer {
        case .callResult(_, let payload)?: "CALLRESULT \(PayloadSummary.short(payload))"
        case .callError(_, let code, let description, _)?: "CALLERROR \(code): \(description)"
        case .call?: "unexpected CALL"
        case nil: "no answer: \(failure ?? "unknown")"
        }
    }
}

/// How a story went: every step's result, in order.
public struct StoryReport: Sendable {
    public var story: String
    public var steps: [StoryStepResult]
    /// What the steps learned (transaction ids).
    public var memory: ChargePointStory.Memory

    /// Whether every step got a CALLRESULT.
    public var succeeded: Bool { steps.allSatisfy(\.succeeded) }

    /// The result of the step labelled `label`.
    public func step(_ label: String) -> StoryStepResult? { steps.first { $0.label == label } }
}

/// Plays a ``ChargePointStory`` through a connected ``SimulatedChargePoint``, one call at a
/// time, each bounded by `callTimeout`. A failed step does not stop the story.
public struct ChargePointStoryRunner: Sendable {
    public var callTimeout: Double

    public init(callTimeout: Double = 10) {
        self.callTimeout = callTimeout
    }

    /// Runs `story`. `before` is awaited before each step, `after` after it (the demo narrates
    /// and acts there: the EMS's calls come after `visitor.start`).
    public func run(_ story: ChargePointStory, on chargePoint: SimulatedChargePoint,
                    before: @Sendable (ChargePointStory.Step) async -> Void = { _ in },
                    after: @Sendable (StoryStepResult, ChargePointStory.Memory) async -> Void = { _, _ in }) async -> StoryReport {
        var memory = ChargePointStory.Memory()
        var results: [StoryStepResult] = []
        for step in story.steps where !Task.isCancelled {
            await before(step)
            let request = step.payload(memory)
            var result = StoryStepResult(label: step.label, action: step.action, request: request)
            do {
                let answer = try await chargePoint.call(step.action, request, timeout: callTimeout)
                result.answer = answer
                result.messageId = answer.messageId
            } catch {
                result.failure = "\(error)"
            }
            if let session = step.remembersTransactionOf, let id = result.answerPayload?["transactionId"]?.intValue {
                memory.transactionIds[session] = id
            }
            results.append(result)
            await after(result, memory)
        }
        return StoryReport(story: story.name, steps: results, memory: memory)
    }
}
