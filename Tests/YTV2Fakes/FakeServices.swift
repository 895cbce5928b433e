import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import YTV2Core
import YTV2TestSupport

/// Local fakes of YouTube (watch page, player endpoint, timedtext, oEmbed; see ``FakeYouTube`` for the recordings they
/// follow), an OpenAI-compatible chat-completions API as the servers people run answer it (OpenAI with GPT-5's
/// temperature rule, LM Studio, Ollama; see ``ChatFlavor``) and a speech API, on one port.
package final class FakeServices: Sendable {
    package init() {}

    /// How the chat-completions server behaves.
    package enum ChatFlavor: Sendable, Equatable {
        /// Accepts every parameter.
        case openAI
        /// GPT-5 and the o-series: any `temperature` but 1 is refused with HTTP 400, as OpenAI answers it
        /// (`{"error": {"message": "Unsupported value: 'temperature' does not support 0.3 with this model. Only the
        /// default (1) value is supported.", "type": "invalid_request_error", "param": "temperature", "code":
        /// "unsupported_value"}}`, quoted in diffbot/code-gpt-docs#445 and chatboxai/chatbox#2564).
        case gpt5
        /// LM Studio refuses `response_format: {"type": "json_object"}` with HTTP 400 and a string `error`
        /// (`{"error": "'response_format.type' must be 'json_schema' or 'text'"}`, lmstudio-bug-tracker#189, LoadShine/tada#16).
        case lmStudio
        /// Ollama's `/v1`: `system_fingerprint: "fp_ollama"`, and an input longer than the context (4,096 tokens by
        /// default) silently cut to its first 4 tokens and its end, answered with a success.
        case ollama(contextTokens: Int)
    }

    package struct Behavior: Sendable {
        /// The analyzer's answer (a JSON object string, or anything else to test validation).
        package var analysis =
            #"{"categories": [{"category": "Technology", "subcategories": ["Web Development", "Not A Subcategory"]}], "key_topics": ["swift"], "named_entities": ["Apple"], "content_type": "tutorial", "complexity_level": "beginner", "language": "en"}"#
        /// How many speech requests fail with 503 before they succeed.
        package var speechFailures = 0
        /// Videos whose player answers list no caption tracks.
        package var withoutCaptions: Set<String> = []
        /// Caption tracks per video (``FakeYouTube/defaultTracks`` otherwise: a French translation, English ASR, English).
        package var tracks: [String: [FakeYouTube.Track]] = [:]
        /// Videos YouTube refuses, with how.
        package var walls: [String: FakeYouTube.Wall] = [:]
        /// Videos whose watch page is the consent interstitial unless the `SOCS` cookie is sent.
        package var consentWall: Set<String> = []
        /// Videos whose watch page is the consent interstitial whatever the cookies.
        package var consentAlways: Set<String> = []
        /// Videos whose oEmbed answers 401 (embedding disabled by the owner).
        package var embedDisabled: Set<String> = []
        /// Videos whose every caption URL answers an empty body, gated or not.
        package var captionsEmpty: Set<String> = []
        /// The oldest version the player endpoint accepts, by client name; other clients get the stale-client 400.
        package var acceptedClients: [String: Int] = ["ANDROID": 21, "VISIONOS": 1, "IOS": 20]
        /// A prefix added to summaries (changes the text between runs).
        package var summaryPrefix = ""
        /// The whole text of every summary, when set (else a short one naming the variant).
        package var summaryText: String?
        /// Each chat completion waits a random time in this range (milliseconds), to spread a race.
        package var answerDelay: ClosedRange<Int> = 0...0
        package var chatFlavor: ChatFlavor = .openAI
        /// This many chat requests are answered 429 with `Retry-After: retryAfter` before the next passes.
        package var rateLimits = 0
        package var retryAfter = "1"
        /// Every chat request is answered 429 `insufficient_quota`, as OpenAI answers an account without credit.
        package var quotaExhausted = false
        /// This many summary answers stop with `finish_reason: "length"` (the text so far, cut mid-sentence).
        package var lengthCuts = 0
        /// Summaries come after a `<think>…</think>` block.
        package var thinking = false
        /// The model refuses (OpenAI's `refusal`, `content: null`).
        package var refusal = false
    }

    package let state = Mutex(Behavior())
    /// Chat completions wait here until released (used to hold a job mid-flight).
    package let gate = Gate()
    package let counts = Mutex([String: Int]())
    /// The bodies of the chat requests, in order.
    package let chatRequests = Mutex([JSONValue]())
    /// The caption URLs asked (path and query).
    package let captionRequests = Mutex([String]())
    /// The port the fakes listen on, known once they run.
    package let port = Mutex(0)

    package func update(_ change: (inout Behavior) -> Void) { state.withLock { change(&$0) } }
    package func count(_ name: String) -> Int { counts.withLock { $0[name] ?? 0 } }
    /// The chat requests' bodies and the caption queries so far.
    package var chatBodies: [JSONValue] { chatRequests.withLock { $0 } }
    package var captionQueries: [String] { captionRequests.withLock { $0 } }
    private func bump(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }

    /// Runs the fakes for `body`, which gets their base URL.
    package func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        addYouTube(to: router)
        addChat(to: router)
        router.post("v1/audio/speech") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            self.bump("speech")
            let fail = self.state.withLock { behavior -> Bool in
                guard behavior.speechFailures > 0 else { return false }
                behavior.speechFailures -= 1
                return true
            }
            if fail { return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "overloaded"))) }
            return Response(status: .ok, headers: [.contentType: "audio/mpeg"], body: .init(byteBuffer: ByteBuffer(bytes: TestAudio.mp3(frames: 40))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            self.port.withLock { $0 = client.port! }
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private func tracks(_ id: String, _ behavior: Behavior) -> [FakeYouTube.Track] {
        behavior.withoutCaptions.contains(id) ? [] : behavior.tracks[id] ?? FakeYouTube.defaultTracks
    }

    private func addYouTube(to router: Router<BasicRequestContext>) {
        router.get("oembed") { request, _ -> Response in
            self.bump("oembed")
            let url = request.uri.queryParameters.get("url") ?? ""
            let id = (try? VideoID(url: url))?.rawValue ?? "unknown"
            if self.state.withLock({ $0.embedDisabled.contains(id) }) {
                return Response(
                    status: .unauthorized,
                    headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "Unauthorized"))
                )
            }
            return Self.json(
                #"{"title": "Video \#(id)", "author_name": "Channel of \#(id)", "author_url": "https://www.youtube.com/@channel", "type": "video", "thumbnail_url": "https://i.ytimg.com/vi/\#(id)/hqdefault.jpg", "provider_name": "YouTube"}"#
            )
        }
        router.get("watch") { request, _ -> Response in
            self.bump("watch")
            let id = request.uri.queryParameters.get("v") ?? ""
            let behavior = self.state.withLock { $0 }
            let cookies = request.headers[.cookie] ?? ""
            let html: String
            if behavior.consentAlways.contains(id) || (behavior.consentWall.contains(id) && !cookies.contains("SOCS=")) {
                self.bump("consent-page")
                html = FakeYouTube.consentPage(id)
            } else {
                html = FakeYouTube.watchPage(id, tracks: self.tracks(id, behavior), wall: behavior.walls[id])
            }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        router.post("youtubei/v1/player") { request, _ -> Response in
            let body = JSONValue.parse(Array(String(buffer: try await request.body.collect(upTo: 1 << 20)).utf8))
            let client = body?["context"]?["client"]
            let name = client?["clientName"]?.stringValue ?? ""
            let version = client?["clientVersion"]?.stringValue ?? ""
            let id = body?["videoId"]?.stringValue ?? ""
            self.bump("player-\(name)")
            let behavior = self.state.withLock { $0 }
            guard let oldest = behavior.acceptedClients[name], let major = Int(version.split(separator: ".").first ?? ""), major >= oldest else {
                return Response(
                    status: .badRequest,
                    headers: [.contentType: "application/json; charset=UTF-8"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string:
                                #"{"error": {"code": 400, "message": "Precondition check failed.", "errors": [{"message": "Precondition check failed.", "domain": "global", "reason": "failedPrecondition"}], "status": "FAILED_PRECONDITION"}}"#
                        )
                    )
                )
            }
            return Self.json(
                FakeYouTube.mobilePlayer(id, client: name, version: version, tracks: self.tracks(id, behavior), wall: behavior.walls[id])
            )
        }
        router.get("api/timedtext") { request, _ -> Response in
            let query = request.uri.query ?? ""
            self.captionRequests.withLock { $0.append(query) }
            let parameters = request.uri.queryParameters
            let id = parameters.get("v") ?? ""
            let language = parameters.get("lang") ?? "en"
            let automatic = parameters.get("kind") == "asr"
            let behavior = self.state.withLock { $0 }
            // Gated URLs answer 200 with nothing, as YouTube does without a proof-of-origin token.
            if parameters.get("exp") != nil || behavior.captionsEmpty.contains(id) {
                self.bump("timedtext-empty")
                return Response(status: .ok, headers: [.contentType: "text/html; charset=UTF-8"], body: .init(byteBuffer: ByteBuffer()))
            }
            self.bump("timedtext-\(language)\(automatic ? "-asr" : "")")
            let lines = ["Hello and welcome.", "Today we talk about Swift (\(language)) & \"servers\".", "Thanks for watching."]
            let format: String? = parameters.getAll("fmt").last.map { String($0) }
            let text = FakeYouTube.captionBody(format: format, language: language, automatic: automatic, lines: lines)
            return Response(
                status: .ok,
                headers: [.contentType: format == "json3" ? "application/json; charset=UTF-8" : "text/xml; charset=UTF-8"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
    }

    private func addChat(to router: Router<BasicRequestContext>) {
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = JSONValue.parse(Array(String(buffer: try await request.body.collect(upTo: 1 << 24)).utf8)) ?? .null
            self.chatRequests.withLock { $0.append(body) }
            let messages = body["messages"]?.arrayValue ?? []
            let text = messages.compactMap { $0["content"]?.stringValue }.joined(separator: "\n")
            let isAnalysis = text.contains("Classify the YouTube video")
            let isContinuation = messages.contains { $0["role"]?.stringValue == "assistant" }
            await self.gate.pass()
            // Rate limits and quota are checked before anything is counted as answered.
            let limited = self.state.withLock { behavior -> Response? in
                if behavior.quotaExhausted {
                    return Self.json(
                        #"{"error": {"message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}"#,
                        status: .tooManyRequests
                    )
                }
                guard behavior.rateLimits > 0 else { return nil }
                behavior.rateLimits -= 1
                var response = Self.json(
                    #"{"error": {"message": "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}"#,
                    status: .tooManyRequests
                )
                response.headers[.retryAfter] = behavior.retryAfter
                return response
            }
            if let limited {
                self.bump("chat-429")
                return limited
            }
            let behavior = self.state.withLock { $0 }
            switch behavior.chatFlavor {
            case .gpt5:
                if let temperature = body["temperature"], temperature != .number(1) {
                    self.bump("chat-400")
                    let value = temperature.text
                    return Self.json(
                        #"{"error": {"message": "Unsupported value: 'temperature' does not support \#(value) with this model. Only the default (1) value is supported.", "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}"#,
                        status: .badRequest
                    )
                }
            case .lmStudio:
                if body["response_format"]?["type"]?.stringValue == "json_object" {
                    self.bump("chat-400")
                    return Self.json(#"{"error": "'response_format.type' must be 'json_schema' or 'text'"}"#, status: .badRequest)
                }
            case .openAI, .ollama: break
            }
            self.bump(isAnalysis ? "analysis" : "summary")
            if behavior.answerDelay.upperBound > 0 { try await Task.sleep(for: .milliseconds(Int.random(in: behavior.answerDelay))) }
            var promptTokens = text.unicodeScalars.count / 4 + 8 * messages.count
            var fingerprint = "fp_44709d6fcb"
            var content: String
            var finish = "stop"
            if isAnalysis {
                content = behavior.analysis
                if behavior.chatFlavor == .lmStudio {
                    // Without JSON mode a model wraps the object in a fence and a sentence.
                    content = "Here is the analysis:\n```json\n\(content)\n```"
                }
            } else {
                let variant =
                    [
                        "narration script in French": "audio-fr", "narration script in Spanish": "audio-es", "narration script summarizing": "audio",
                        "bullet points": "bullet-points", "key insights": "key-insights", "executive summary": "executive",
                    ]
                    .first { text.contains($0.key) }?.value ?? "comprehensive"
                let whole =
                    behavior.summaryText
                    ?? "\(behavior.summaryPrefix)**Summary (\(variant)):** The video explains Swift. It shows examples.\n• First point\n• Second point"
                content = whole
                if behavior.lengthCuts > 0 {
                    let cut = self.state.withLock { state -> Bool in
                        guard state.lengthCuts > 0 else { return false }
                        state.lengthCuts -= 1
                        return true
                    }
                    if cut {
                        // The first half on the first request, the rest when asked to continue.
                        let half = whole.index(whole.startIndex, offsetBy: whole.count / 2)
                        content = isContinuation ? String(whole[half...]) : String(whole[..<half])
                        finish = "length"
                    } else if isContinuation {
                        let half = whole.index(whole.startIndex, offsetBy: whole.count / 2)
                        content = String(whole[half...])
                    }
                } else if isContinuation {
                    let half = whole.index(whole.startIndex, offsetBy: whole.count / 2)
                    content = String(whole[half...])
                }
                if behavior.thinking {
                    content = "<think>\nThe user wants a summary. Let me think about the transcript first.\n</think>\n\n" + content
                }
            }
            if case .ollama(let context) = behavior.chatFlavor {
                fingerprint = "fp_ollama"
                if promptTokens > context {
                    // What survives Ollama's cut: no instructions, the transcript's end: the model rambles.
                    promptTokens = context
                    content = "It seems like you have shared a list of sentences. How can I help you with them?"
                }
            }
            if behavior.refusal {
                return Self.json(
                    #"{"id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "gpt-4o-2024-08-06", "choices": [{"index": 0, "message": {"role": "assistant", "content": null, "refusal": "I'm sorry, I can't assist with that request."}, "logprobs": null, "finish_reason": "stop"}]}"#
                )
            }
            return Self.json(
                #"{"id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "fake", "system_fingerprint": "\#(fingerprint)", "choices": [{"index": 0, "message": {"role": "assistant", "content": \#(JSONText.string(content)), "refusal": null}, "logprobs": null, "finish_reason": "\#(finish)"}], "usage": {"prompt_tokens": \#(promptTokens), "completion_tokens": \#(content.count / 4), "total_tokens": \#(promptTokens + content.count / 4)}}"#
            )
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Holds requests until opened; open by default.
package actor Gate {
    private var closed = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    package private(set) var waiting = 0

    package func close() { closed = true }

    package func open() {
        closed = false
        for waiter in waiters { waiter.resume() }
        waiters = []
        waiting = 0
    }

    package func pass() async {
        guard closed else { return }
        waiting += 1
        await withCheckedContinuation { waiters.append($0) }
    }
}
