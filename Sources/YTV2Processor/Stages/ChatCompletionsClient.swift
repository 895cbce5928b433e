import Foundation
import YTV2Core

/// An OpenAI-compatible chat-completions API (`POST {base}/chat/completions`): OpenAI, OpenRouter, a local Ollama
/// (`http://localhost:11434/v1`) all speak it.
package struct ChatCompletionsClient: Sendable {
    package let baseURL: String
    package let apiKey: String?
    package let model: String
    package let http: HTTPFetcher

    package init(baseURL: String, apiKey: String?, model: String, http: HTTPFetcher) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.http = http
    }

    struct Request: Encodable {
        struct Message: Encodable {
            let role: String
            let content: String
        }
        struct Format: Encodable { let type: String }
        let model: String
        let messages: [Message]
        let temperature: Double
        let response_format: Format?
    }

    /// The part of the answer the client reads: `choices[0].message.content`.
    struct Response: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { let content: String? }
            let message: Message
        }
        let choices: [Choice]
    }

    /// The assistant's answer to `system` + `user`; with `json`, the API is asked for a JSON object.
    package func complete(system: String, user: String, json: Bool = false) async throws(ProcessorError) -> String {
        let request = Request(
            model: model,
            messages: [.init(role: "system", content: system), .init(role: "user", content: user)],
            temperature: 0.3,
            response_format: json ? .init(type: "json_object") : nil
        )
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch {
            throw .invalidResponse(service: "chat completions", problem: "cannot encode the request: \(error)")
        }
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let bytes = try await http.postJSON("\(baseURL)/chat/completions", service: "chat completions", body: Array(body), headers: headers)
        guard let response = try? JSONDecoder().decode(Response.self, from: Data(bytes)), let content = response.choices.first?.message.content
        else {
            throw .invalidResponse(service: "chat completions", problem: "no choices[0].message.content")
        }
        let text = content.trimmingASCIIWhitespace
        guard !text.isEmpty else { throw .invalidResponse(service: "chat completions", problem: "an empty answer") }
        return text
    }
}
