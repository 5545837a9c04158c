import Foundation
import OCPP

extension Resolver {
    /// `now` compares by order with RFC 3339 date-times: `now < "2027-01-31T00:00:00Z"`.
    mutating func checkTime(_ comparison: Comparison, operand: ResolvedOperand) -> Bool {
        guard [.less, .lessEqual, .greater, .greaterEqual].contains(comparison.op) else {
            report(.invalidOperator, "`now` compares by order only", at: comparison.operatorSpan,
                   help: "write a time window such as `now < \"2027-01-31T00:00:00Z\"`")
            return false
        }
        guard case .literal(.string(let text)) = operand else {
            report(.typeMismatch, "`now` is a date-time and compares with a quoted date-time", at: comparison.operand.span,
                   help: "write it like `\"2027-01-31T00:00:00Z\"`")
            return false
        }
        guard RFC3339Time.parse(text) != nil else {
            report(.typeMismatch, "`\(text)` is not a date-time", at: comparison.operand.span,
                   help: "write an RFC 3339 date-time with a time zone, like `\"2027-01-31T00:00:00Z\"`")
            return false
        }
        return true
    }
}
