import Foundation
import YTV2Core
import YTV2Store

/// The analysis of a video: categorization (validated against the taxonomy) and the descriptive fields.
package struct Analysis: Sendable, Equatable {
    package var categorization: Categorization?
    package var keyTopics: [String] = []
    package var namedEntities: [String] = []
    package var contentType: String?
    package var complexityLevel: String?
    package var language: String?
    /// What validation dropped or could not read, recorded with the job.
    package var warnings: [String] = []
}

package protocol Analyzer: Sendable {
    func analyze(_ transcript: Transcript, info: VideoInfo) async throws(ProcessorError) -> Analysis
}

/// Asks the chat-completions API for the analysis JSON and validates it: known parents, subcategories of that
/// parent, at most 3 categories. An answer that is not JSON, or names nothing of the taxonomy, gives an empty but valid
/// analysis with a warning rather than a failed job.
package struct ChatAnalyzer: Analyzer {
    package let chat: ChatCompletionsClient
    package let taxonomy: Taxonomy
    /// How much of the transcript the analysis reads (`LLM_CHUNK_CHARS`: the most one request carries).
    package var inputCharacters: Int

    package init(chat: ChatCompletionsClient, taxonomy: Taxonomy = .standard, inputCharacters: Int = 24_000) {
        self.chat = chat
        self.taxonomy = taxonomy
        self.inputCharacters = inputCharacters
    }

    package func analyze(_ transcript: Transcript, info: VideoInfo) async throws(ProcessorError) -> Analysis {
        let listing = taxonomy.entries.map { "\($0.category): \($0.subcategories.joined(separator: "; "))" }.joined(separator: "\n")
        let system = Prompts.fill(Prompts.text("analysis"), info: info, request: VariantRequest(variant: .comprehensive), part: nil)
            .replacingOccurrences(of: "{{taxonomy}}", with: listing)
        let answer = try await chat.complete(system: system, user: String(transcript.text.prefix(inputCharacters)), json: true)
        return Self.validate(answer, taxonomy: taxonomy, transcriptLanguage: transcript.language)
    }

    static func validate(_ answer: String, taxonomy: Taxonomy, transcriptLanguage: String?) -> Analysis {
        var analysis = Analysis()
        // Models sometimes wrap the object in a code fence or a sentence: take the outermost braces. The object is model
        // text, not an API's answer, and some models write Python-style literals (single quotes, None): read loosely.
        let start = answer.firstIndex(of: "{")
        let end = answer.lastIndex(of: "}")
        guard let start, let end, start < end, let value = LooseValue.parse(String(answer[start...end])), case .object = value else {
            analysis.warnings.append("the analyzer's answer was not a JSON object; the video is left uncategorized")
            analysis.language = transcriptLanguage
            return analysis
        }
        var entries: [CategoryEntry] = []
        if case .array(let items) = value["categories"] ?? .null {
            for item in items {
                let name = item["category"]?.stringValue ?? item.stringValue ?? ""
                guard let known = taxonomy.subcategories(of: name) else {
                    if !name.isEmpty { analysis.warnings.append("category \"\(name.prefix(60))\" is not in the taxonomy; dropped") }
                    continue
                }
                var subs: [String] = []
                if case .array(let names) = item["subcategories"] ?? .null {
                    for sub in names.compactMap(\.stringValue) {
                        if known.contains(sub) {
                            subs.append(sub)
                        } else {
                            analysis.warnings.append("subcategory \"\(sub.prefix(60))\" is not under \(name); dropped")
                        }
                    }
                }
                entries.append(CategoryEntry(category: name, subcategories: subs))
            }
        }
        if entries.count > 3 {
            analysis.warnings.append("\(entries.count) categories returned; kept the first 3")
            entries = Array(entries.prefix(3))
        }
        if entries.isEmpty { analysis.warnings.append("no category of the taxonomy in the analyzer's answer; the video is left uncategorized") }
        analysis.categorization = entries.isEmpty ? nil : Categorization(entries: entries, origin: .processor).normalized
        func strings(_ key: String) -> [String] {
            guard case .array(let items) = value[key] ?? .null else { return [] }
            return items.compactMap(\.stringValue).map(\.trimmingASCIIWhitespace).filter { !$0.isEmpty }.prefix(20).map { String($0.prefix(200)) }
        }
        analysis.keyTopics = strings("key_topics")
        analysis.namedEntities = strings("named_entities")
        analysis.contentType = value["content_type"]?.stringValue.map { String($0.prefix(40)) }
        let level = value["complexity_level"]?.stringValue?.lowercased()
        analysis.complexityLevel = ["beginner", "intermediate", "advanced"].contains(level ?? "") ? level : nil
        analysis.language = value["language"]?.stringValue.map { String($0.prefix(16)) } ?? transcriptLanguage
        return analysis
    }
}
