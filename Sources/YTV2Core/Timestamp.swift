import Foundation

/// Parses the timestamp forms found in reports and legacy files (docs/legacy.md, "Value quirks"): ISO-8601 with an offset or `Z`, with
/// or without fractional seconds; `YYYY-MM-DD HH:MM:SS` (UTC); `YYYY-MM-DD`; `YYYYMMDD`; Unix seconds or milliseconds.
/// Anything else is nil: callers record a warning, they never reject the row for it.
package enum Timestamp {
    package static func parse(_ text: String) -> Date? {
        let value = text.trimmingASCIIWhitespace
        guard !value.isEmpty, value.utf8.count <= 64 else { return nil }
        if value.allSatisfy(\.isNumber) {
            if value.count == 8 { return compact(value) }
            guard let number = Double(value) else { return nil }
            return unix(number)
        }
        if let number = Double(value), value.contains(".") { return unix(number) }
        if let date = fastISO(Array(value.utf8)) { return date }
        var iso = value
        if iso.count >= 19, iso[iso.index(iso.startIndex, offsetBy: 10)] == " " {
            iso.replaceSubrange(iso.index(iso.startIndex, offsetBy: 10)...iso.index(iso.startIndex, offsetBy: 10), with: "T")
        }
        if iso.count == 10 { iso += "T00:00:00Z" }
        if !hasZone(iso) { iso += "Z" }
        if let date = try? Date(iso, strategy: .iso8601) { return date }
        if let date = try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return nil
    }

    /// Seconds, or milliseconds when the number is too large to be seconds (after the year 5000).
    package static func unix(_ number: Double) -> Date? {
        guard number.isFinite, number >= 0 else { return nil }
        let seconds = number > 100_000_000_000 ? number / 1000 : number
        // Up to the end of year 9999, like the ISO forms; anything later is not a moment a legacy row meant.
        guard seconds < 253_402_300_800 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    static func compact(_ value: String) -> Date? {
        guard let year = Int(value.prefix(4)), let month = Int(value.dropFirst(4).prefix(2)), let day = Int(value.suffix(2)),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)
    }

    /// `YYYY-MM-DD`, optionally `[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` (UTC without a zone), parsed without
    /// Foundation's formatters, which cost tens of microseconds a call and dominate a large migration otherwise.
    static func fastISO(_ b: [UInt8]) -> Date? {
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = b[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = 0.0
        var offset = 0
        if b.count > 10 {
            guard b.count >= 19, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A, let hour = digits(11, 2),
                let minute = digits(14, 2), let second = digits(17, 2), hour < 24, minute < 60, second < 61
            else { return nil }
            seconds = Double(hour * 3600 + minute * 60 + second)
            var index = 19
            if index < b.count, b[index] == 0x2E {
                index += 1
                var scale = 0.1
                let start = index
                while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                    seconds += Double(b[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
            if index < b.count {
                switch b[index] {
                case 0x5A where index + 1 == b.count: break
                case 0x2B, 0x2D:
                    let sign = b[index] == 0x2B ? 1 : -1
                    guard let hours = digits(index + 1, 2) else { return nil }
                    var minutes = 0
                    if index + 3 == b.count {
                    } else if index + 6 == b.count, b[index + 3] == 0x3A, let value = digits(index + 4, 2) {
                        minutes = value
                    } else if index + 5 == b.count, let value = digits(index + 3, 2) {
                        minutes = value
                    } else {
                        return nil
                    }
                    offset = sign * (hours * 3600 + minutes * 60)
                default: return nil
                }
            }
        }
        // Days from the civil date (H. Hinnant's algorithm), valid for the proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 - offset) + seconds)
    }

    private static func hasZone(_ iso: String) -> Bool {
        guard let timeStart = iso.firstIndex(of: "T") else { return false }
        let time = iso[timeStart...]
        return time.hasSuffix("Z") || time.contains("+") || time.dropFirst(1).contains("-")
    }
}
