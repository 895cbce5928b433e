import Foundation
import YTV2Core
import YTV2Store

package protocol SpeechSynthesizer: Sendable {
    /// One MP3 of the whole text, with its duration.
    func speak(_ text: String, language: String?) async throws(ProcessorError) -> AudioDraft
    var name: String { get }
}

/// An OpenAI-compatible speech API (`POST {base}/audio/speech`). Text longer than the API accepts is split at sentence
/// boundaries and the MP3 parts are joined into one file: nothing is silently truncated.
package struct OpenAISpeech: SpeechSynthesizer {
    package let baseURL: String
    package let apiKey: String?
    package let model: String
    package let voice: String
    package let http: HTTPFetcher
    package var maxCharacters: Int

    package var name: String { "speech API at \(baseURL)" }

    package init(baseURL: String, apiKey: String?, model: String = "tts-1", voice: String, http: HTTPFetcher, maxCharacters: Int = 4_000) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.voice = voice
        self.http = http
        self.maxCharacters = maxCharacters
    }

    struct Request: Encodable {
        let model, voice, input, response_format: String
    }

    package func speak(_ text: String, language: String?) async throws(ProcessorError) -> AudioDraft {
        var parts: [[UInt8]] = []
        for piece in Self.pieces(text, max: maxCharacters) {
            let body: Data
            do { body = try JSONEncoder().encode(Request(model: model, voice: voice, input: piece, response_format: "mp3")) } catch {
                throw .invalidResponse(service: "speech API", problem: "cannot encode the request: \(error)")
            }
            var headers: [(String, String)] = []
            if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
            parts.append(try await http.postJSON("\(baseURL)/audio/speech", service: "speech API", body: Array(body), headers: headers))
        }
        guard let joined = MP3.join(parts) else { throw .invalidResponse(service: "speech API", problem: "the audio is not MP3") }
        return AudioDraft(bytes: joined.bytes, durationSeconds: joined.durationSeconds)
    }

    /// Sentences packed into pieces of at most `max` characters; a sentence longer than that is cut at spaces.
    static func pieces(_ text: String, max: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for sentence in Sentences.split(text) {
            var sentence = sentence
            while sentence.count > max {
                let cut = sentence.prefix(max).lastIndex(of: " ") ?? sentence.index(sentence.startIndex, offsetBy: max)
                if !current.isEmpty {
                    pieces.append(current)
                    current = ""
                }
                pieces.append(String(sentence[..<cut]))
                sentence = String(sentence[cut...])
            }
            if current.count + sentence.count > max, !current.isEmpty {
                pieces.append(current)
                current = ""
            }
            current += sentence
        }
        if !current.trimmingASCIIWhitespace.isEmpty { pieces.append(current) }
        return pieces.map(\.trimmingASCIIWhitespace).filter { !$0.isEmpty }
    }
}
