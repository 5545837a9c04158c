import Foundation

/// RFC 3339 date-times, the form of every OCPP timestamp: formatting without Foundation's
/// formatters (the gateway answers Heartbeats with it; they are neither cheap nor `Sendable`
/// everywhere), and parsing (for policies' `now` conditions and test files).
public enum RFC3339Time {
    /// Seconds since 1970 of an RFC 3339 date-time with a zone (`2027-01-31T00:00:00Z`,
    /// `2027-01-31T01:00:00.5+01:00`), or `nil` if `text` is not one.
    public static func parse(_ text: String) -> Double? {
        // The usual form, read directly; anything else (or out of range) as Foundation reads it.
        if let seconds = parseCommonForm(text) { return seconds }
        return parseWithFoundation(text)
    }

    /// `text` as Foundation's internet date-time formatters read it, with or without fractional
    /// seconds (slow: two formatters per call).
    static func parseWithFoundation(_ text: String) -> Double? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f{1,3}](Z|±HH:MM)` with every field in range (Gregorian years, from
    /// 1583; Foundation counts earlier dates in the Julian calendar), without a formatter
    /// (creating Foundation's costs tens of microseconds, and the gateway reads the timestamp of
    /// every StartTransaction and StopTransaction); `nil` for any other text, which ``parse(_:)``
    /// then leaves to Foundation. Gives what Foundation gives for the texts it accepts.
    static func parseCommonForm(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            let count = bytes.count
            guard count >= 20, count <= 29 else { return nil }
            func digits(_ start: Int, _ length: Int) -> Int? {
                var value = 0
                for index in start..<start + length {
                    let byte = bytes[index]
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value * 10 + Int(byte - 0x30)
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                year >= 1583, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
                hour <= 23, minute <= 59, second <= 59
            else { return nil }
            var index = 19
            var fraction = 0.0
            if bytes[index] == UInt8(ascii: ".") {
                var length = 0
                var value = 0
                index += 1
                while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    value = value * 10 + Int(bytes[index] - 0x30)
                    length += 1
                    index += 1
                }
                guard (1...3).contains(length) else { return nil }
                fraction = Double(value) / [10.0, 100.0, 1000.0][length - 1]
            }
            var offset = 0
            guard index < count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "Z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard index + 6 == count, bytes[index + 3] == UInt8(ascii: ":"),
                    let hours = digits(index + 1, 2), let minutes = digits(index + 4, 2), hours <= 23, minutes <= 59
                else { return nil }
                offset = (hours * 3_600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
            guard index == count else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            return Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
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
