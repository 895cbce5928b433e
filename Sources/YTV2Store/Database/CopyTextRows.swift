import NIOCore

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format: fields separated by tabs, each row ended by a newline,
/// NULL written `\N`, and backslash, tab, newline and carriage return escaped with a backslash. PostgreSQL reads this
/// with less work than the same rows as a JSON document, which it must parse value by value.
struct CopyTextRows {
    private(set) var buffer = ByteBuffer()
    private var fieldsInRow = 0

    mutating func add(_ value: String?) {
        if fieldsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        fieldsInRow += 1
        guard var text = value else {
            buffer.writeStaticString("\\N")
            return
        }
        text.withUTF8 { bytes in
            // The runs between bytes to escape are copied whole: summaries are kilobytes of text with a newline every
            // line, and a write per byte cost more than the rest of the row.
            var start = 0
            for index in bytes.indices {
                let escaped: StaticString
                switch bytes[index] {
                case UInt8(ascii: "\\"): escaped = "\\\\"
                case UInt8(ascii: "\t"): escaped = "\\t"
                case UInt8(ascii: "\n"): escaped = "\\n"
                case UInt8(ascii: "\r"): escaped = "\\r"
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeStaticString(escaped)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }

    mutating func add(_ value: Int) { add(String(value)) }

    mutating func add(_ value: Bool) { add(value ? "t" : "f") }

    /// A moment given as seconds since 1970, written as the `timestamptz` that `to_timestamp(seconds)` makes; NULL when
    /// it is not finite or outside what PostgreSQL can hold (legacy timestamps are years 1970 to 9999, see `Timestamp`).
    mutating func add(timestamp seconds: Double?) { add(seconds.flatMap(Self.timestampText)) }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        fieldsInRow = 0
    }

    /// As `to_timestamp` computes it: microseconds since 2000-01-01 UTC, rounded half to even, then the civil date
    /// in UTC (proleptic Gregorian, years before 1 written as BC).
    static func timestampText(_ seconds: Double) -> String? {
        guard seconds.isFinite else { return nil }
        let rounded = ((seconds - 946_684_800) * 1_000_000).rounded(.toNearestOrEven)
        // PostgreSQL's range: 4714-11-24 BC up to 294277-01-01.
        guard rounded >= -211_813_488_000_000_000, rounded < 9_223_371_331_200_000_000 else { return nil }
        let micros = Int64(rounded)
        let perDay: Int64 = 86_400_000_000
        let daysSince2000 = micros >= 0 ? micros / perDay : (micros - perDay + 1) / perDay
        let ofDay = micros - daysSince2000 * perDay
        // Days since 1970-01-01 to a civil date (the algorithm of Howard Hinnant's "chrono-compatible low-level date
        // algorithms").
        let shifted = daysSince2000 + 10_957 + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let date = padded(year > 0 ? year : 1 - year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
        let time =
            padded(ofDay / 3_600_000_000, 2) + ":" + padded(ofDay / 60_000_000 % 60, 2) + ":" + padded(ofDay / 1_000_000 % 60, 2)
            + "." + padded(ofDay % 1_000_000, 6)
        return date + " " + time + "+00" + (year > 0 ? "" : " BC")
    }
}
