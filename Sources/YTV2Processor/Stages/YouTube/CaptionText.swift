import Foundation
import YTV2Core

/// Caption bodies to plain text, one caption line per line. YouTube answers `json3` when asked, `srv3` (the mobile
/// answers' default XML), the older `srv1` XML (`<transcript><text …>`) or WebVTT (yt-dlp's fallback format).
/// An empty body, or captions without any text, read as nil: YouTube answers a gated URL that way, so it means "try
/// another source", never "this video has no transcript".
enum CaptionText {
    static func text(from bytes: [UInt8]) throws(ProcessorError) -> String? {
        let body = String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace
        guard !body.isEmpty else { return nil }
        let text: String
        if body.hasPrefix("{") {
            text = try fromJSON3(body)
        } else if body.hasPrefix("WEBVTT") {
            text = fromVTT(body)
        } else if body.hasPrefix("<") && (body.contains("<timedtext") || body.contains("<transcript")) {
            text = fromXML(body)
        } else {
            throw .invalidResponse(service: "YouTube captions", problem: "neither json3, srv3 nor WebVTT (starts \"\(body.prefix(40))\")")
        }
        return text.isEmpty ? nil : text
    }

    /// YouTube's `json3` caption format, the fields read: `{"events": [{"segs": [{"utf8": "..."}]}]}`.
    struct JSON3: Decodable {
        struct Event: Decodable {
            struct Segment: Decodable { let utf8: String? }
            /// Absent in events that only set a window or style.
            let segs: [Segment]?
        }
        let events: [Event]?
    }

    static func fromJSON3(_ body: String) throws(ProcessorError) -> String {
        guard let captions = try? JSONDecoder().decode(JSON3.self, from: Data(body.utf8)) else {
            throw .invalidResponse(service: "YouTube captions", problem: "not json3")
        }
        var lines: [String] = []
        for event in captions.events ?? [] {
            guard let segments = event.segs else { continue }
            let line = segments.compactMap(\.utf8).joined().replacingOccurrences(of: "\n", with: " ").trimmingASCIIWhitespace
            if !line.isEmpty { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }

    /// `srv3` (`<timedtext format="3"><body><p t d><s>word</s>…</p>`) and `srv1` (`<transcript><text start dur>…`):
    /// each `p` or `text` element is a line; inner tags are dropped and entities decoded (srv1 escapes twice).
    static func fromXML(_ body: String) -> String {
        var lines: [String] = []
        var rest = body[...]
        while let open = rest.range(of: "<p") ?? rest.range(of: "<text") {
            let element = rest[open.lowerBound...].hasPrefix("<p") ? "p" : "text"
            // `<p` must be followed by a space or `>` (not `<param`).
            let after = rest[open.upperBound...]
            guard let next = after.first, next == " " || next == ">" || next == "/" else {
                rest = after
                continue
            }
            guard let tagEnd = after.firstIndex(of: ">") else { break }
            if after[..<tagEnd].hasSuffix("/") {
                rest = after[after.index(after: tagEnd)...]
                continue
            }
            let inner = after[after.index(after: tagEnd)...]
            guard let close = inner.range(of: "</\(element)>") else { break }
            // The element's own tags (`<s>`), then the entities, then the formatting tags the text carried escaped.
            let text = stripTags(decodeEntities(decodeEntities(stripTags(String(inner[..<close.lowerBound])))))
                .replacingOccurrences(of: "\n", with: " ").trimmingASCIIWhitespace
            if !text.isEmpty { lines.append(text) }
            rest = inner[close.upperBound...]
        }
        return lines.joined(separator: "\n")
    }

    /// WebVTT → text: cue lines without headers, timings, tags or repeated lines.
    static func fromVTT(_ body: String) -> String {
        var lines: [String] = []
        for raw in body.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingASCIIWhitespace
            if line.hasPrefix("WEBVTT") || line.contains("-->") || line.hasPrefix("NOTE") || line.hasPrefix("Kind:") || line.hasPrefix("Language:") {
                continue
            }
            if line.allSatisfy(\.isNumber) { continue }
            let stripped = decodeEntities(stripTags(line))
            if !stripped.isEmpty, lines.last != stripped { lines.append(stripped) }
        }
        return lines.joined(separator: "\n")
    }

    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        return text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
    }

    /// The XML entities and numeric character references.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let tail = rest[amp...]
            guard let semicolon = tail.prefix(12).firstIndex(of: ";") else {
                result += "&"
                rest = tail.dropFirst()
                continue
            }
            let name = tail[tail.index(after: amp)..<semicolon]
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "][String(name)]
            var scalar: Unicode.Scalar?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
            }
            if let replacement = named ?? scalar.map({ String(Character($0)) }) {
                result += replacement
                rest = tail[tail.index(after: semicolon)...]
            } else {
                result += "&"
                rest = tail.dropFirst()
            }
        }
        return result + rest
    }
}
