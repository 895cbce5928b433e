import Foundation
import YTV2Core
import YTV2Store

/// Reads a processor report (the "universal" JSON of LEGACY.md §3, or the same fields flat) into one store write.
/// Every invalid field is listed in the 400 answer; nothing is written unless the whole report is valid.
enum IngestReport {
    static func parse(_ body: [UInt8]) throws(APIError) -> VideoWrite {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw APIError(.badRequest, code: "invalid_json", message: "the body must be a JSON object")
            }
            object = parsed
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "the body is not valid JSON")
        }
        var problems: [String] = []
        let youtube = (object["source_metadata"] as? [String: Any])?["youtube"] as? [String: Any] ?? [:]
        let analysis = object["analysis"] as? [String: Any] ?? [:]
        let media = object["media"] as? [String: Any] ?? [:]

        let rawID = (object["video_id"] as? String) ?? (youtube["video_id"] as? String) ?? (object["id"] as? String) ?? ""
        guard let videoID = try? VideoID(apiID: rawID) else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: video_id (\(VideoIDError(input: rawID)))")
        }

        func string(_ key: String, in dict: [String: Any], maxBytes: Int = 10_000) -> String? {
            guard let value = dict[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else {
                problems.append("\(key) must be a string")
                return nil
            }
            if text.utf8.count > maxBytes { problems.append("\(key) is longer than \(maxBytes) bytes") }
            return text
        }
        func integer(_ key: String, in dict: [String: Any]) -> Int? {
            guard let value = dict[key], !(value is NSNull) else { return nil }
            guard let number = value as? NSNumber, number.doubleValue >= 0, number.doubleValue < 1e15,
                number.doubleValue == number.doubleValue.rounded()
            else {
                problems.append("\(key) must be a non-negative whole number")
                return nil
            }
            return number.intValue
        }
        func strings(_ key: String, in dict: [String: Any]) -> [String]? {
            guard let value = dict[key], !(value is NSNull) else { return nil }
            guard let list = value as? [Any], list.count <= 200, list.allSatisfy({ $0 is String }) else {
                problems.append("\(key) must be a list of at most 200 strings")
                return nil
            }
            return list as? [String]
        }
        func date(_ key: String, in dict: [String: Any]) -> Date? {
            guard let text = string(key, in: dict, maxBytes: 64) else { return nil }
            guard let date = Timestamp.parse(text) else {
                problems.append("\(key) is not a timestamp")
                return nil
            }
            return date
        }

        var metadata = VideoMetadata()
        metadata.title = string("title", in: object) ?? string("title", in: youtube)
        metadata.contentSource = string("content_source", in: object)
        if let source = metadata.contentSource, !["youtube", "reddit", "web"].contains(source) {
            problems.append("content_source must be youtube, reddit or web")
        }
        metadata.channelName = string("channel_name", in: youtube) ?? string("channel_name", in: object) ?? string("channel", in: object)
        metadata.thumbnailURL = string("thumbnail_url", in: object, maxBytes: 2_000)
        metadata.publishedAt = date("published_at", in: object)
        metadata.indexedAt = date("indexed_at", in: object) ?? date("processed_at", in: object)
        metadata.durationSeconds = integer("duration_seconds", in: object)
        metadata.wordCount = integer("word_count", in: object)
        metadata.viewCount = integer("view_count", in: youtube) ?? integer("view_count", in: object)
        metadata.hasTranscript = media["has_transcript"] as? Bool ?? object["has_transcript"] as? Bool
        metadata.transcriptChars = integer("transcript_chars", in: media) ?? integer("transcript_chars", in: object)
        metadata.contentType = string("content_type", in: analysis, maxBytes: 200) ?? string("content_type", in: object, maxBytes: 200)
        metadata.complexityLevel = string("complexity_level", in: analysis, maxBytes: 200) ?? string("complexity_level", in: object, maxBytes: 200)
        metadata.language = string("language", in: analysis, maxBytes: 35) ?? string("language", in: object, maxBytes: 35)
        metadata.keyTopics = strings("key_topics", in: analysis) ?? strings("key_topics", in: object)
        metadata.namedEntities = strings("named_entities", in: analysis) ?? strings("named_entities", in: object)

        var categorization: Categorization?
        if let entries = categories(analysis["categories"] ?? object["categories"], problems: &problems) {
            categorization = Categorization(entries: entries, origin: .processor)
        } else if let parents = strings("category", in: analysis) {
            categorization = Categorization(entries: parents.map { CategoryEntry(category: $0) }, origin: .processor)
        }

        var summaries: [SummaryDraft] = []
        if let summary = object["summary"] as? [String: Any] {
            let language = string("language", in: summary, maxBytes: 35)
            for (index, item) in (summary["variants"] as? [Any] ?? []).enumerated() {
                guard let variant = item as? [String: Any], let name = variant["variant"] as? String,
                    let text = variant["text"] as? String, !text.isEmpty
                else {
                    problems.append("summary.variants[\(index)] needs a variant and a non-empty text")
                    continue
                }
                guard let (parsed, level) = try? SummaryVariant.parse(name) else {
                    problems.append("summary.variants[\(index)].variant \"\(name.prefix(40))\" is not a variant id")
                    continue
                }
                if text.utf8.count > 1_000_000 { problems.append("summary.variants[\(index)].text is longer than 1 MB") }
                summaries.append(
                    SummaryDraft(
                        variant: parsed,
                        text: text,
                        headline: variant["headline"] as? String,
                        language: language,
                        proficiency: level,
                        generatedAt: date("generated_at", in: summary)
                    )
                )
            }
            if summaries.isEmpty, let text = summary["summary"] as? String, !text.isEmpty {
                let name = summary["summary_type"] as? String ?? "comprehensive"
                if let (parsed, level) = try? SummaryVariant.parse(name) {
                    summaries.append(
                        SummaryDraft(
                            variant: parsed,
                            text: text,
                            headline: summary["headline"] as? String,
                            language: language,
                            proficiency: level,
                            generatedAt: date("generated_at", in: summary)
                        )
                    )
                } else {
                    problems.append("summary.summary_type \"\(name.prefix(40))\" is not a variant id")
                }
            }
        } else if let text = object["summary"] as? String, !text.isEmpty {
            summaries.append(SummaryDraft(variant: .comprehensive, text: text))
        }

        guard problems.isEmpty else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: " + problems.joined(separator: "; "))
        }
        return VideoWrite(
            videoID: videoID,
            metadata: metadata,
            categorization: categorization,
            summaries: summaries,
            actor: "dashboard:ingest"
        )
    }

    /// `[{"category", "subcategories"}]`, a `{"categories": [...]}` object, `name` for `category`, or plain strings.
    static func categories(_ value: Any?, problems: inout [String]) -> [CategoryEntry]? {
        guard let value, !(value is NSNull) else { return nil }
        let list = (value as? [String: Any])?["categories"] ?? value
        guard let items = list as? [Any], items.count <= 20 else {
            problems.append("analysis.categories must be a list of at most 20 entries")
            return nil
        }
        var entries: [CategoryEntry] = []
        for item in items {
            if let name = item as? String {
                entries.append(CategoryEntry(category: name))
            } else if let dict = item as? [String: Any], let name = (dict["category"] ?? dict["name"]) as? String {
                let subs = (dict["subcategories"] as? [Any] ?? []).compactMap { $0 as? String }
                entries.append(CategoryEntry(category: name, subcategories: subs))
            } else {
                problems.append("analysis.categories holds an entry without a category name")
            }
        }
        return entries
    }
}
