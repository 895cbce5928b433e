import Foundation
import YTV2Core

/// A requested variant: `audio-fr:intermediate` is the French narration at the intermediate level.
package struct VariantRequest: Sendable, Hashable, CustomStringConvertible {
    package var variant: SummaryVariant
    package var proficiency: ProficiencyLevel?

    package init(variant: SummaryVariant, proficiency: ProficiencyLevel? = nil) {
        self.variant = variant
        self.proficiency = proficiency
    }

    /// Parses `bullet-points`, `key_points`, `audio-fr:advanced`; only the variants the processor has prompts for. A
    /// French or Spanish narration asked without a level is at the advanced level, as the legacy processor made it.
    package init(_ name: String) throws(SummaryVariantError) {
        let (variant, level) = try SummaryVariant.parse(name)
        guard Prompts.variants.contains(variant) else { throw SummaryVariantError(input: name) }
        self.init(variant: variant, proficiency: level ?? (Self.levelled.contains(variant) ? .advanced : nil))
    }

    /// The narrations in another language, which are made for a learner's level.
    package static let levelled: [SummaryVariant] = [.audioFrench, .audioSpanish]

    package var description: String { proficiency.map { "\(variant.id):\($0.rawValue)" } ?? variant.id }
}

package protocol Summarizer: Sendable {
    func summarize(_ transcript: Transcript, info: VideoInfo, request: VariantRequest) async throws(ProcessorError) -> String
}

/// Summaries through a chat-completions API, one prompt file per variant. Transcripts longer than `chunkCharacters`
/// are summarized in parts first, and the variant's prompt then combines the partial summaries.
package struct ChatSummarizer: Summarizer {
    package let chat: ChatCompletionsClient
    package var chunkCharacters: Int

    package init(chat: ChatCompletionsClient, chunkCharacters: Int = 24_000) {
        self.chat = chat
        self.chunkCharacters = chunkCharacters
    }

    package func summarize(_ transcript: Transcript, info: VideoInfo, request: VariantRequest) async throws(ProcessorError) -> String {
        var material = transcript.text
        if material.count > chunkCharacters {
            var partials: [String] = []
            let chunks = Self.chunks(material, size: chunkCharacters)
            for (index, chunk) in chunks.enumerated() {
                let system = Prompts.fill(Prompts.text("chunk"), info: info, request: request, part: "\(index + 1) of \(chunks.count)")
                partials.append(try await chat.complete(system: system, user: chunk))
            }
            material = partials.enumerated().map { "Part \($0.offset + 1):\n\($0.element)" }.joined(separator: "\n\n")
        }
        let system = Prompts.fill(Prompts.text(request.variant.id), info: info, request: request, part: nil)
        return try await chat.complete(system: system, user: material)
    }

    /// Splits at line or sentence ends near `size`, never inside a word.
    static func chunks(_ text: String, size: Int) -> [String] {
        var result: [String] = []
        var current = ""
        for sentence in Sentences.split(text) {
            if current.count + sentence.count > size, !current.isEmpty {
                result.append(current)
                current = ""
            }
            current += sentence
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// The prompt files shipped in `Resources/Prompts`, one per variant, plus `chunk` and `analysis`.
package enum Prompts {
    /// Every variant the processor produces, each mapped to its own prompt file.
    package static let variants: [SummaryVariant] = SummaryVariant.preferenceOrder

    package static func text(_ name: String) -> String {
        guard let text = all[name] else { preconditionFailure("the packaged prompt \(name).txt is missing") }
        return text
    }

    /// Read once: every job asks for two or more prompts.
    private static let all: [String: String] = {
        var prompts: [String: String] = [:]
        for name in variants.map(\.id) + ["chunk", "analysis"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Prompts") else { continue }
            prompts[name] = try? String(contentsOf: url, encoding: .utf8)
        }
        return prompts
    }()

    static func fill(_ template: String, info: VideoInfo, request: VariantRequest, part: String?) -> String {
        let level = request.proficiency?.rawValue ?? "advanced"
        return
            template
            .replacingOccurrences(of: "{{title}}", with: info.metadata.title ?? "")
            .replacingOccurrences(of: "{{channel}}", with: info.metadata.channelName ?? "")
            .replacingOccurrences(of: "{{level}}", with: level)
            .replacingOccurrences(of: "{{part}}", with: part ?? "")
    }
}

/// Sentence boundaries: after `.`, `!`, `?`, `…` or a line break followed by a space or the end.
enum Sentences {
    static func split(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previousWasEnd = false
        for character in text {
            if previousWasEnd, character == " " || character == "\n" {
                current.append(character)
                result.append(current)
                current = ""
                previousWasEnd = false
                continue
            }
            current.append(character)
            previousWasEnd = ".!?…\n".contains(character)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
