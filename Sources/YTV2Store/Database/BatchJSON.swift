import Foundation

/// JSON for the batch statements: timestamps as ISO-8601 with microseconds, which `timestamptz` reads exactly.
func batchJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    encoder.dateEncodingStrategy = .custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(date.formatted(style))
    }
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
