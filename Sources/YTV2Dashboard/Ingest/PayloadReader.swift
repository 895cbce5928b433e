import Foundation
import YTV2Core

/// Reads the fields of one ingested JSON object by path (`source_metadata.youtube.channel_name`), remembering which
/// were taken, so that every field the payload carried is either stored or named in the answer's `ignored` list.
/// Type errors are collected (the whole report is refused with all of them); NUL characters, which PostgreSQL cannot
/// store in text, are replaced by U+FFFD with a warning.
struct PayloadReader {
    let root: JSONValue
    private(set) var problems: [String] = []
    private(set) var warnings: [String] = []
    /// Paths whose value was stored (a whole subtree when an object was taken whole).
    private var taken: Set<String> = []

    init(root: JSONValue) { self.root = root }

    /// The value at a dotted path; nil when absent or JSON null.
    func value(_ path: String) -> JSONValue? {
        var current: JSONValue? = root
        for key in path.split(separator: ".") { current = current?[String(key)] }
        if case .null? = current { return nil }
        return current
    }

    func has(_ path: String) -> Bool { value(path) != nil }

    /// Marks `path` (and everything below it) as stored.
    mutating func take(_ path: String) { taken.insert(path) }

    mutating func problem(_ text: String) { problems.append(text) }
    mutating func warn(_ text: String) { warnings.append(text) }

    /// A string at the first present path; a non-string value is a problem. Blank strings count as absent. Another of
    /// the paths holding the same value (`channel` beside `channel_name`) counts as stored too.
    mutating func string(_ paths: String..., maxBytes: Int = IngestReport.Limits.text) -> String? {
        for (position, path) in paths.enumerated() {
            guard let value = value(path) else { continue }
            take(path)
            guard case .string(let text) = value else {
                problem("\(path) must be a string")
                return nil
            }
            if text.trimmingASCIIWhitespace.isEmpty { continue }
            if text.utf8.count > maxBytes { problem("\(path) is longer than \(maxBytes) bytes") }
            for alternative in paths.dropFirst(position + 1) where self.value(alternative) == value { take(alternative) }
            return repaired(text, at: path)
        }
        return nil
    }

    /// A whole non-negative number at the first present path (a numeric string is accepted).
    mutating func integer(_ paths: String...) -> Int? {
        for path in paths {
            guard let value = value(path) else { continue }
            take(path)
            switch value {
            case .number(let number) where number >= 0 && number < 1e15 && number == number.rounded():
                return Int(number)
            case .string(let text) where Int(text.trimmingASCIIWhitespace).map { $0 >= 0 } == true:
                return Int(text.trimmingASCIIWhitespace)
            case .string(let text) where text.trimmingASCIIWhitespace.isEmpty:
                continue
            default:
                problem("\(path) must be a non-negative whole number")
                return nil
            }
        }
        return nil
    }

    mutating func bool(_ paths: String...) -> Bool? {
        for path in paths {
            guard let value = value(path) else { continue }
            take(path)
            switch value {
            case .bool(let flag): return flag
            case .number(let number) where number == 0 || number == 1: return number == 1
            case .string(let text) where BooleanText.parse(text) != nil: return BooleanText.parse(text)
            default:
                problem("\(path) must be true or false")
                return nil
            }
        }
        return nil
    }

    /// A timestamp in any of the legacy forms (ISO-8601, `YYYY-MM-DD HH:MM:SS`, `YYYYMMDD`, Unix seconds).
    mutating func date(_ paths: String...) -> Date? {
        for path in paths {
            guard let value = value(path) else { continue }
            take(path)
            switch value {
            case .number(let number):
                if let date = Timestamp.unix(number) { return date }
            case .string(let text):
                if text.trimmingASCIIWhitespace.isEmpty { continue }
                if text.utf8.count <= 64, let date = Timestamp.parse(text) { return date }
            default: break
            }
            problem("\(path) is not a timestamp")
            return nil
        }
        return nil
    }

    /// A list of at most 200 strings at the first present path (a lone string is a one-item list; a string holding a JSON
    /// list is that list).
    mutating func strings(_ paths: String...) -> [String]? {
        for path in paths {
            guard var value = value(path) else { continue }
            take(path)
            // The legacy tables keep lists as JSON text (`key_topics TEXT`), and the flat payload sends the column.
            if case .string(let text) = value, text.trimmingASCIIWhitespace.hasPrefix("["), let list = JSONValue.parse(Array(text.utf8)),
                case .array = list
            {
                value = list
            }
            switch value {
            case .string(let text): return text.isEmpty ? nil : [repaired(text, at: path)]
            case .array(let items) where items.count <= 200:
                var result: [String] = []
                for item in items {
                    guard case .string(let text) = item else {
                        problem("\(path) must be a list of strings")
                        return nil
                    }
                    if !text.isEmpty { result.append(repaired(text, at: path)) }
                }
                return result
            default:
                problem("\(path) must be a list of at most 200 strings")
                return nil
            }
        }
        return nil
    }

    /// An object at `path`, also when sent as a JSON string holding one (`analysis_json`, `subcategories_json`).
    mutating func object(_ path: String) -> JSONValue? {
        guard let value = value(path) else { return nil }
        switch value {
        case .object: return value
        case .array: return value
        case .string(let text):
            if text.trimmingASCIIWhitespace.isEmpty { return nil }
            guard let parsed = JSONValue.parse(Array(text.utf8)) else {
                problem("\(path) is a string that does not hold JSON")
                return nil
            }
            return parsed
        default:
            problem("\(path) must be an object")
            return nil
        }
    }

    /// `text` with NUL characters replaced, and a warning naming the field.
    mutating func repaired(_ text: String, at path: String) -> String {
        guard text.utf8.contains(0) else { return text }
        warn("\(path): NUL characters replaced by U+FFFD")
        return text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    /// A JSON value with every NUL character in its strings (and keys) replaced.
    mutating func repaired(_ value: JSONValue, at path: String) -> JSONValue {
        switch value {
        case .string(let text): return .string(repaired(text, at: path))
        case .array(let items): return .array(items.map { repaired($0, at: path) })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members { result[repaired(key, at: path)] = repaired(member, at: path + "." + key) }
            return .object(result)
        default: return value
        }
    }

    /// Every field of the payload that was not stored, as dotted paths (`[]` for the items of a list), sorted.
    var ignored: [String] {
        var result = Set<String>()
        func walk(_ value: JSONValue, _ path: String) {
            if taken.contains(path) { return }
            switch value {
            case .null: return
            case .object(let members):
                for (key, member) in members { walk(member, path.isEmpty ? key : path + "." + key) }
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                for item in items { walk(item, path + "[]") }
            default:
                result.insert(path)
            }
        }
        walk(root, "")
        return result.sorted()
    }
}
