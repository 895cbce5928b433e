import Foundation
import YTV2Core

/// The three shapes of legacy JSON reports (docs/legacy.md, "The JSON reports").
package enum LegacyReportShape: String, Sendable, Codable {
    case v1, processor, universal
}

extension LegacyRecord {
    /// A JSON report file (`file` is its snapshot path, e.g. `reports/abc_20240101_120000.json`).
    /// A file that is not a JSON object is a row error naming the file.
    package init(report bytes: [UInt8], file: String) throws(LegacyRowError) {
        let source = Self.reportSource(file)
        var warnings: [String] = []
        let text = Self.reportText(bytes, warnings: &warnings)
        guard let value = LooseValue.parse(text), case .object = value else {
            throw LegacyRowError(source: source, problem: "the report is not a JSON object")
        }
        self.init(source: source, rowSHA256: bytes.sha256Hex, raw: .reportText(text))
        let shape = Self.shape(of: value)
        switch shape {
        case .v1: readV1(value, warnings: &warnings)
        case .processor: readProcessor(value, warnings: &warnings)
        case .universal: readUniversal(value, warnings: &warnings)
        }
        if exactVideoID == nil, let fromName = Self.videoID(inFileName: source.key) { exactVideoID = fromName }
        if legacyID == nil { legacyID = exactVideoID?.legacyID }
        self.warnings = warnings
    }

    /// A report that is not a JSON object: only its source, kept whole (as text) for quarantine.
    package init(unreadableReport bytes: [UInt8], file: String) {
        var warnings: [String] = []
        self.init(source: Self.reportSource(file), rowSHA256: bytes.sha256Hex, raw: .reportText(Self.reportText(bytes, warnings: &warnings)))
        self.warnings = warnings
    }

    static func reportSource(_ file: String) -> LegacySource {
        LegacySource(file: file, table: "report", key: (file as NSString).lastPathComponent)
    }

    /// The file as text: repaired (with a warning) when it is not UTF-8, NUL characters replaced.
    static func reportText(_ bytes: [UInt8], warnings: inout [String]) -> String {
        var text: String
        if let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
        } else {
            text = String(decoding: bytes, as: UTF8.self)
            warnings.append("the file was not valid UTF-8 and was repaired")
        }
        if text.containsUTF8Byte(0) { text = text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
        return text
    }

    package static func shape(of value: LooseValue) -> LegacyReportShape {
        if value["metadata"]?["schema_version"] != nil || value["video"] != nil { return .v1 }
        if value["id"]?.stringValue != nil || value["content_source"] != nil || value["media"] != nil { return .universal }
        return .processor
    }

    /// The id in a report's file name (``VideoID/candidates(inReportStem:)``, most likely first).
    static func videoID(inFileName name: String) -> VideoID? {
        VideoID.candidates(inReportStem: name).first
    }

    private mutating func readV1(_ value: LooseValue, warnings: inout [String]) {
        let video = value["video"] ?? .null
        exactVideoID =
            (video["video_id"]?.stringValue).flatMap { try? VideoID($0) }
            ?? (video["url"]?.stringValue).flatMap { try? VideoID(url: $0) }
        fields.title = video["title"]?.stringValue
        fields.channelName = video["channel"]?.stringValue
        fields.channelID = video["channel_id"]?.stringValue
        fields.thumbnailURL = video["thumbnail"]?.stringValue
        fields.durationSeconds = Self.int(video["duration"])
        fields.viewCount = Self.int(video["view_count"])
        fields.likeCount = Self.int(video["like_count"])
        fields.publishedAt = Self.date(video["upload_date"], "video.upload_date", &warnings)
        fields.language = video["language"]?.stringValue ?? value["original_language"]?.stringValue
        let summary = value["summary"] ?? .null
        let analysis = summary["analysis"] ?? .null
        readAnalysis(analysis)
        fields.wordCount = Self.int(summary["word_count"])
        indexedAt = Self.date(value["indexed_at"], "indexed_at", &warnings)
        let content = summary["content"] ?? .null
        let type = content["summary_type"]?.stringValue ?? summary["type"]?.stringValue ?? "comprehensive"
        let at = Self.date(content["generated_at"], "summary.content.generated_at", &warnings) ?? indexedAt
        if let text = Self.summaryText(content["summary"]),
            let made = LegacySummary.make(
                variantName: type,
                raw: text,
                headline: content["headline"]?.stringValue,
                language: value["summary_language"]?.stringValue,
                at: at,
                warnings: &warnings
            )
        {
            summaries.append(made)
        }
    }

    private mutating func readProcessor(_ value: LooseValue, warnings: inout [String]) {
        let metadata = value["metadata"] ?? .null
        exactVideoID =
            (metadata["video_id"]?.stringValue).flatMap { try? VideoID($0) }
            ?? (value["url"]?.stringValue).flatMap { try? VideoID(url: $0) }
        fields.title = metadata["title"]?.stringValue
        fields.channelName = metadata["uploader"]?.stringValue
        fields.durationSeconds = Self.int(metadata["duration"])
        fields.viewCount = Self.int(metadata["view_count"])
        fields.publishedAt = Self.date(metadata["upload_date"], "metadata.upload_date", &warnings)
        if let transcript = value["transcript"]?.stringValue {
            fields.hasTranscript = !transcript.isEmpty
            fields.transcriptChars = transcript.count
        }
        readAnalysis(value["analysis"] ?? .null)
        indexedAt = Self.date(value["processed_at"], "processed_at", &warnings)
        let summary = value["summary"] ?? .null
        let at = Self.date(summary["generated_at"], "summary.generated_at", &warnings) ?? indexedAt
        if let text = Self.summaryText(summary["summary"]),
            let made = LegacySummary.make(
                variantName: summary["summary_type"]?.stringValue ?? "comprehensive",
                raw: text,
                headline: summary["headline"]?.stringValue,
                at: at,
                warnings: &warnings
            )
        {
            summaries.append(made)
        }
    }

    private mutating func readUniversal(_ value: LooseValue, warnings: inout [String]) {
        let youtube = value["source_metadata"]?["youtube"] ?? .null
        exactVideoID =
            (youtube["video_id"]?.stringValue).flatMap { try? VideoID($0) }
            ?? (value["canonical_url"]?.stringValue).flatMap { try? VideoID(url: $0) }
            ?? (value["id"]?.stringValue).flatMap { try? VideoID(apiID: $0) }
        legacyID = value["id"]?.stringValue
        fields.title = value["title"]?.stringValue
        fields.thumbnailURL = value["thumbnail_url"]?.stringValue
        fields.publishedAt = Self.date(value["published_at"], "published_at", &warnings)
        fields.durationSeconds = Self.int(value["duration_seconds"])
        fields.wordCount = Self.int(value["word_count"])
        fields.channelName = youtube["channel_name"]?.stringValue
        fields.viewCount = Self.int(youtube["view_count"])
        let media = value["media"] ?? .null
        if case .bool(let flag) = media["has_audio"] ?? .null { hasAudio = flag }
        if case .bool(let flag) = media["has_transcript"] ?? .null { fields.hasTranscript = flag }
        fields.transcriptChars = Self.int(media["transcript_chars"])
        audioDurationSeconds = Self.double(media["audio_duration_seconds"]) ?? Self.double(value["media_metadata"]?["mp3_duration_seconds"])
        if let audioURL = media["audio_url"]?.stringValue { filePaths.append(audioURL) }
        readAnalysis(value["analysis"] ?? .null)
        indexedAt = Self.date(value["processed_at"], "processed_at", &warnings)
        let summary = value["summary"] ?? .null
        let generated = Self.date(summary["generated_at"], "summary.generated_at", &warnings) ?? indexedAt
        if case .array(let variants) = summary["variants"] ?? .null, !variants.isEmpty {
            for variant in variants {
                guard let text = Self.summaryText(variant["text"]) else { continue }
                if let made = LegacySummary.make(
                    variantName: variant["variant"]?.stringValue ?? "comprehensive",
                    raw: text,
                    headline: variant["headline"]?.stringValue,
                    language: summary["language"]?.stringValue,
                    at: generated,
                    warnings: &warnings
                ) {
                    summaries.append(made)
                }
            }
        } else if let text = Self.summaryText(summary["summary"]),
            let made = LegacySummary.make(
                variantName: summary["summary_type"]?.stringValue ?? "comprehensive",
                raw: text,
                headline: summary["headline"]?.stringValue,
                language: summary["language"]?.stringValue,
                at: generated,
                warnings: &warnings
            )
        {
            summaries.append(made)
        }
    }

    private mutating func readAnalysis(_ analysis: LooseValue) {
        if let entries = analysis["categories"].flatMap(LegacyCategories.entries), !entries.isEmpty {
            categories = entries
        } else if let parents = analysis["category"].map(LegacyCategories.strings), !parents.isEmpty {
            categories = parents.map { CategoryEntry(category: $0) }
        }
        LegacyCategories.fill(&fields, from: analysis)
    }

    /// A summary value: text, or a dict that the normalizer picks from (serialized back to JSON for it).
    static func summaryText(_ value: LooseValue?) -> String? {
        switch value {
        case .string(let text)?: return text.isEmpty ? nil : text
        case .object?: return value.map(jsonObjectText)
        default: return nil
        }
    }

    static func int(_ value: LooseValue?) -> Int? {
        switch value {
        case .number(let number)? where number.isFinite && abs(number) < 9e15: return Int(number.rounded())
        case .string(let text)?: return Int(text.trimmingASCIIWhitespace)
        default: return nil
        }
    }

    static func double(_ value: LooseValue?) -> Double? {
        switch value {
        case .number(let number)? where number.isFinite: return number
        case .string(let text)?: return Double(text)
        default: return nil
        }
    }

    static func date(_ value: LooseValue?, _ name: String, _ warnings: inout [String]) -> Date? {
        switch value {
        case .number(let number)?: return Timestamp.unix(number)
        case .string(let text)? where !text.trimmingASCIIWhitespace.isEmpty:
            if let date = Timestamp.parse(text) { return date }
            warnings.append("\(name): unparseable timestamp \"\(text.prefix(40))\"; stored as NULL")
            return nil
        default: return nil
        }
    }

    /// Serializes a parsed value back to JSON text.
    static func jsonObjectText(_ value: LooseValue) -> String {
        var output = ""
        appendJSON(value, to: &output)
        return output
    }

    private static func appendJSON(_ value: LooseValue, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number):
            output += number.isFinite ? (number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)) : "null"
        case .string(let text): JSONText.appendString(text, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                appendJSON(item, to: &output)
            }
            output += "]"
        case .object(let pairs):
            output += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { output += "," }
                JSONText.appendString(pair.0, to: &output)
                output += ":"
                appendJSON(pair.1, to: &output)
            }
            output += "}"
        }
    }
}
