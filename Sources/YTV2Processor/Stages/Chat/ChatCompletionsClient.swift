import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import YTV2Core

/// An OpenAI-compatible chat-completions API (`POST {base}/chat/completions`), as the servers people run answer it:
/// OpenAI (GPT-5 and the o-series refuse any `temperature` but 1), OpenRouter, Ollama's `/v1`, llama.cpp's server,
/// vLLM, LM Studio (which refuses `response_format: json_object`).
///
/// What it does about their differences, so a job neither fails on a parameter nor stores a broken answer:
/// - `temperature` is sent only when configured, and dropped (for this server, from then on) when refused;
///   `response_format` likewise, the JSON then taken from the answer's text by the caller.
/// - 429 with `Retry-After` is waited (up to ``maxRateLimitWait``) and asked again inside the job; 429
///   `insufficient_quota` fails at once, since no wait brings credit back.
/// - `finish_reason: "length"` asks the model to continue, up to ``maxContinuations`` times, else fails: a cut summary
///   is never returned as whole. A `refusal` is an error. `<think>…</think>` blocks (reasoning models behind older
///   Ollama builds) are removed.
/// - An input the server visibly cut to fit its context (fewer prompt tokens than the text has words) is an error
///   naming the fix, not an answer about the text's last part.
package final class ChatCompletionsClient: Sendable {
    package let baseURL: String
    package let apiKey: String?
    package let model: String
    package let http: HTTPFetcher
    /// Sent only when set (`LLM_TEMPERATURE`).
    package let temperature: Double?
    /// How long one answer may take (`LLM_TIMEOUT_SECONDS`): local models on a CPU write slowly.
    package let timeout: TimeAmount
    package let maxRateLimitWait: Double
    package let maxContinuations: Int

    /// What this server has refused so far, so the next requests leave it out.
    private let refusedParameters = Mutex(Set<String>())

    package init(
        baseURL: String,
        apiKey: String?,
        model: String,
        http: HTTPFetcher,
        temperature: Double? = nil,
        timeout: TimeAmount = .seconds(300),
        maxRateLimitWait: Double = 60,
        maxContinuations: Int = 2
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
        self.http = http
        self.temperature = temperature
        self.timeout = timeout
        self.maxRateLimitWait = maxRateLimitWait
        self.maxContinuations = maxContinuations
    }

    static let service = "chat completions"

    struct Message: Encodable {
        let role: String
        let content: String
    }

    struct Request: Encodable {
        struct Format: Encodable { let type: String }
        let model: String
        let messages: [Message]
        let temperature: Double?
        let response_format: Format?
        let stream: Bool
    }

    /// One answer as the server gave it.
    struct Answer {
        var content: String
        var finishReason: String?
    }

    /// The assistant's whole answer to `system` + `user`; with `json`, the server is asked for a JSON object.
    package func complete(system: String, user: String, json: Bool = false) async throws(ProcessorError) -> String {
        var messages = [Message(role: "system", content: system), Message(role: "user", content: user)]
        var text = ""
        for _ in 0...maxContinuations {
            let answer = try await exchange(messages, json: json)
            text += answer.content
            guard answer.finishReason == "length" else { return try Self.finished(text) }
            messages += [
                Message(role: "assistant", content: answer.content),
                Message(role: "user", content: "Continue exactly where your previous answer stopped. Do not repeat anything."),
            ]
        }
        throw .cutShort(
            service: Self.service,
            detail: "the model \(model) stopped at its output limit \(maxContinuations + 1) times (finish_reason \"length\"); use a model "
                + "with a larger output limit or context (for Ollama, raise the model's num_ctx)"
        )
    }

    /// The text without reasoning blocks; an answer that is only reasoning is not an answer.
    static func finished(_ text: String) throws(ProcessorError) -> String {
        let answer = withoutThinking(text).trimmingASCIIWhitespace
        guard !answer.isEmpty else { throw .invalidResponse(service: service, problem: "an empty answer") }
        return answer
    }

    /// Removes `<think>…</think>` blocks; an unclosed one runs to the end.
    static func withoutThinking(_ text: String) -> String {
        guard text.contains("<think>") else { return text }
        var result = ""
        var rest = text[...]
        while let open = rest.range(of: "<think>") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "</think>") else { return result }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// Sends the conversation until an answer comes: parameters the server refuses are dropped and the request sent
    /// again, rate limits waited out.
    private func exchange(_ messages: [Message], json: Bool) async throws(ProcessorError) -> Answer {
        var waits = 0
        while true {
            let refused = refusedParameters.withLock { $0 }
            let sentTemperature = refused.contains("temperature") ? nil : temperature
            let sentFormat = json && !refused.contains("response_format")
            let request = Request(
                model: model,
                messages: messages,
                temperature: sentTemperature,
                response_format: sentFormat ? .init(type: "json_object") : nil,
                stream: false
            )
            let body: Data
            do { body = try JSONEncoder().encode(request) } catch {
                throw .invalidResponse(service: Self.service, problem: "cannot encode the request: \(error)")
            }
            var headers: [(String, String)] = []
            if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
            let reply = try await http.send(
                "\(baseURL)/chat/completions",
                method: .POST,
                service: Self.service,
                json: Array(body),
                headers: headers,
                timeout: timeout
            )
            switch reply.status {
            case 200..<300:
                return try answer(reply, messages: messages)
            case 429:
                let problem = ChatServerError(reply)
                if problem.isQuotaExhausted { throw .quotaExhausted(service: Self.service, message: problem.message) }
                let wait = reply.retryAfter ?? Double(1 << min(waits, 4))
                guard waits < 3, wait <= maxRateLimitWait else {
                    throw .rateLimited(service: Self.service, retryAfter: reply.retryAfter, message: problem.message)
                }
                waits += 1
                do { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) } catch {
                    throw .network(service: Self.service, message: "cancelled while waiting out a rate limit")
                }
            case 400, 422:
                let problem = ChatServerError(reply)
                if sentTemperature != nil, problem.concerns("temperature") {
                    refusedParameters.withLock { _ = $0.insert("temperature") }
                } else if sentFormat, problem.concerns("response_format") {
                    refusedParameters.withLock { _ = $0.insert("response_format") }
                } else {
                    throw .http(service: Self.service, status: reply.status, body: problem.message)
                }
            case 401, 403:
                throw .http(
                    service: Self.service,
                    status: reply.status,
                    body: "\(ChatServerError(reply).message) (check LLM_API_KEY for \(baseURL))"
                )
            case 404:
                throw .http(
                    service: Self.service,
                    status: reply.status,
                    body: "\(ChatServerError(reply).message) (check LLM_BASE_URL, which should end in /v1, and LLM_MODEL \(model))"
                )
            default:
                throw .http(service: Self.service, status: reply.status, body: ChatServerError(reply).message)
            }
        }
    }

    /// Reads `choices[0]`: its text, why it stopped, a refusal; and checks the prompt's token count against the text.
    private func answer(_ reply: HTTPFetcher.Reply, messages: [Message]) throws(ProcessorError) -> Answer {
        guard let value = JSONValue.parse(reply.body), let choice = value["choices"]?.arrayValue?.first else {
            throw .invalidResponse(service: Self.service, problem: "no choices[0] in \(reply.text.prefix(120))")
        }
        let message = choice["message"]
        if let refusal = message?["refusal"]?.stringValue, !refusal.isEmpty {
            throw .refused(service: Self.service, message: refusal)
        }
        if let promptTokens = value["usage"]?["prompt_tokens"].flatMap(Self.integer), promptTokens > 0 {
            let text = messages.map(\.content)
            let ollama = value["system_fingerprint"]?.stringValue == "fp_ollama"
            if let problem = Self.truncation(promptTokens: promptTokens, of: text, ollama: ollama) {
                throw .inputTruncated(service: Self.service, detail: problem)
            }
        }
        guard let content = message?["content"]?.stringValue else {
            throw .invalidResponse(service: Self.service, problem: "no choices[0].message.content")
        }
        return Answer(content: content, finishReason: choice["finish_reason"]?.stringValue)
    }

    static func integer(_ value: JSONValue) -> Int? {
        if case .number(let number) = value, number.isFinite { return Int(number) }
        return nil
    }

    /// Whether the server counted fewer prompt tokens than the text can have: every run of letters or digits is at
    /// least one token in the tokenizers these servers use (none joins two words), so fewer tokens than runs means part
    /// of the text never reached the model. Ollama (`fp_ollama`) is held to a closer bound, about six characters a
    /// token, since it is the server known to cut silently (keeping the first few tokens and the end).
    static func truncation(promptTokens: Int, of texts: [String], ollama: Bool) -> String? {
        var runs = 0
        var characters = 0
        for text in texts {
            var inRun = false
            for scalar in text.unicodeScalars {
                characters += 1
                let word = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                if word && !inRun { runs += 1 }
                inRun = word
            }
        }
        let floor = ollama ? max(runs, characters / 6) : runs
        guard promptTokens < floor else { return nil }
        return "the server counted \(promptTokens) prompt tokens for a text of at least \(floor): it dropped part of the input to fit "
            + "the model's context window. Give the model a larger context (Ollama: OLLAMA_CONTEXT_LENGTH=32768, or num_ctx in a "
            + "Modelfile) or lower LLM_CHUNK_CHARS (docs/operations.md, \"Local models\")"
    }
}
