import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OCPP

/// Test-only hooks and log helpers.
extension ChargePointLink {
    /// `CHARGEMUX_TEST_CRASH_AT`, read once: TEST ONLY. The gateway kills itself with SIGKILL at
    /// that point, for the crash tests: `after-receive-before-store` (a transaction message
    /// routed, nothing stored, forwarded or answered), `after-store-before-forward` (a transaction message is
    /// stored, nothing forwarded or answered), `after-forward-before-answer` (a backend's answer
    /// to a forwarded StartTransaction arrived, not yet relayed).
    static let crashPoint: String? = ProcessInfo.processInfo.environment["CHARGEMUX_TEST_CRASH_AT"]

    static func crash() -> Never {
        kill(getpid(), SIGKILL)
        fatalError("SIGKILL did not end the process")
    }

    /// The frame type and message id only: payloads may hold idTags the log must not show.
    static func summary(_ text: String) -> String {
        guard let frame = try? OCPPFrame(parsing: text) else { return "<\(text.utf8.count) bytes, not a frame>" }
        switch frame {
        case .call(let id, let action, _): return "CALL \(action) \(id)"
        case .callResult(let id, _): return "CALLRESULT \(id)"
        case .callError(let id, let code, _, _): return "CALLERROR \(code) \(id)"
        }
    }
}
