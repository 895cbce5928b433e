import Foundation

/// Parses the timestamp forms found in reports and legacy files (LEGACY.md §4): ISO-8601 with an offset or `Z`, with
/// or without fractional seconds; `YYYY-MM-DD HH:MM:SS` (UTC); `YYYY-MM-DD`; `YYYYMMDD`; Unix seconds or milliseconds.
/// Anything else is nil: callers record a warning, they never reject the row for it.
public enum Timestamp {
    public static func parse(_ text: String) -> Date? {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.utf8.count <= 64 else { return nil }
        if value.allSatisfy(\.isNumber) {
            if value.count == 8 { return compact(value) }
            guard let number = Double(value) else { return nil }
            return unix(number)
        }
        if let number = Double(value), value.contains(".") { return unix(number) }
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
    public static func unix(_ number: Double) -> Date? {
        guard number.isFinite, number >= 0 else { return nil }
        let seconds = number > 100_000_000_000 ? number / 1000 : number
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

    private static func hasZone(_ iso: String) -> Bool {
        guard let timeStart = iso.firstIndex(of: "T") else { return false }
        let time = iso[timeStart...]
        return time.hasSuffix("Z") || time.contains("+") || time.dropFirst(1).contains("-")
    }
}
