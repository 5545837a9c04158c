import Foundation

/// RFC 3339 date-times, the form of every OCPP timestamp: formatting without Foundation's
/// formatters (the gateway answers Heartbeats with it; they are neither cheap nor `Sendable`
/// everywhere), and parsing (for policies' `now` conditions and test files).
public enum RFC3339Time {
    /// Seconds since 1970 of an RFC 3339 date-time with a zone (`2027-01-31T00:00:00Z`,
    /// `2027-01-31T01:00:00.5+01:00`), or `nil` if `text` is not one.
    public static func parse(_ text: String) -> Double? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }

    /// `seconds` since 1970 as `YYYY-MM-DDTHH:MM:SSZ`, whole seconds, UTC.
    public static func string(_ seconds: Double) -> String {
        let total = seconds.isFinite ? Int64(seconds.rounded(.down)) : 0
        var days = total / 86_400
        var secondOfDay = total % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3_600)):\(two(secondOfDay % 3_600 / 60)):\(two(secondOfDay % 60))Z"
    }
}
