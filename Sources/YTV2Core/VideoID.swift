/// A YouTube video id: exactly 11 characters from `[A-Za-z0-9_-]`, case-sensitive.
///
/// The legacy system lower-cased ids in its `id` column (`yt:<lower-cased>`); that form is never a key here,
/// it only resolves through the alias table. ``VideoID`` keeps the case it was given.
package struct VideoID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    package let rawValue: String

    /// Accepts exactly a valid 11-character id; anything else is ``VideoIDError``.
    package init(_ rawValue: String) throws(VideoIDError) {
        guard Self.isValid(rawValue) else { throw VideoIDError(input: rawValue) }
        self.rawValue = rawValue
    }

    /// Accepts a bare id or the API form `yt:<id>` (case preserved).
    package init(apiID: String) throws(VideoIDError) {
        if apiID.hasPrefix("yt:") {
            try self.init(String(apiID.dropFirst(3)))
        } else {
            try self.init(apiID)
        }
    }

    package static func isValid(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        guard bytes.count == 11 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// `yt:<video_id>`, the id the API shows.
    package var apiID: String { "yt:" + rawValue }

    /// The legacy `content.id` form (`yt:` + lower-cased), kept as an alias so old links still resolve.
    package var legacyID: String { "yt:" + rawValue.lowercased() }

    package var canonicalURL: String { "https://www.youtube.com/watch?v=" + rawValue }
    package var defaultThumbnailURL: String { "https://i.ytimg.com/vi/\(rawValue)/hqdefault.jpg" }

    package var description: String { rawValue }

    package static func < (lhs: VideoID, rhs: VideoID) -> Bool { lhs.rawValue < rhs.rawValue }

    package init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

package struct VideoIDError: Error, Equatable, CustomStringConvertible {
    package let input: String

    package init(input: String) { self.input = input }
    package var description: String {
        let shown = input.count > 40 ? String(input.prefix(40)) + "…" : input
        return "invalid video id \"\(shown)\": expected 11 characters from A-Z, a-z, 0-9, '_' and '-'"
    }
}
