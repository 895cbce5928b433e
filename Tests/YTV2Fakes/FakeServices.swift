import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import YTV2Core
import YTV2TestSupport

/// Local fakes of YouTube (oEmbed, watch page, timedtext), an OpenAI-compatible chat-completions API and speech API,
/// speaking their real protocols over HTTP on one port.
package final class FakeServices: Sendable {
    package init() {}

    package struct Behavior: Sendable {
        /// The analyzer's answer (a JSON object string, or anything else to test validation).
        package var analysis =
            #"{"categories": [{"category": "Technology", "subcategories": ["Web Development", "Not A Subcategory"]}], "key_topics": ["swift"], "named_entities": ["Apple"], "content_type": "tutorial", "complexity_level": "beginner", "language": "en"}"#
        /// How many speech requests fail with 503 before they succeed.
        package var speechFailures = 0
        /// Videos whose watch page has no caption tracks.
        package var withoutCaptions: Set<String> = []
        /// A prefix added to summaries (changes the text between runs).
        package var summaryPrefix = ""
        /// Each chat completion waits a random time in this range (milliseconds), to spread a race.
        package var answerDelay: ClosedRange<Int> = 0...0
    }

    package let state = Mutex(Behavior())
    /// Chat completions wait here until released (used to hold a job mid-flight).
    package let gate = Gate()
    package let counts = Mutex([String: Int]())
    /// The port the fakes listen on, known once they run (caption URLs point back at it).
    package let port = Mutex(0)

    package func update(_ change: (inout Behavior) -> Void) { state.withLock { change(&$0) } }
    package func count(_ name: String) -> Int { counts.withLock { $0[name] ?? 0 } }
    private func bump(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }

    /// Runs the fakes for `body`, which gets their base URL.
    package func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("oembed") { request, _ -> Response in
            self.bump("oembed")
            let url = request.uri.queryParameters.get("url") ?? ""
            let id = (try? VideoID(url: url))?.rawValue ?? "unknown"
            return Self.json(
                #"{"title": "Video \#(id)", "author_name": "Channel of \#(id)", "thumbnail_url": "https://i.ytimg.com/vi/\#(id)/hqdefault.jpg", "type": "video"}"#
            )
        }
        router.get("watch") { request, _ -> Response in
            self.bump("watch")
            let id = request.uri.queryParameters.get("v") ?? ""
            let port = self.port.withLock { $0 }
            let captions =
                self.state.withLock { $0.withoutCaptions.contains(id) }
                ? ""
                : #", "captions": {"playerCaptionsTracklistRenderer": {"captionTracks": [{"baseUrl": "http://127.0.0.1:\#(port)/api/timedtext?v=\#(id)&lang=fr", "languageCode": "fr", "kind": "asr"}, {"baseUrl": "http://127.0.0.1:\#(port)/api/timedtext?v=\#(id)&lang=en", "languageCode": "en"}]}}"#
            let player =
                #"{"playabilityStatus": {"status": "OK"}, "videoDetails": {"videoId": "\#(id)", "title": "Video \#(id)", "author": "Channel of \#(id)", "channelId": "UC123", "lengthSeconds": "754", "viewCount": "12345", "shortDescription": "A \"quoted\" description {with braces}"}, "microformat": {"playerMicroformatRenderer": {"publishDate": "2025-03-04"}}\#(captions)}"#
            let html = "<!DOCTYPE html><html><head><script>var ytInitialPlayerResponse = \(player);var meta = {};</script></head><body></body></html>"
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("api/timedtext") { request, _ -> Response in
            let language = request.uri.queryParameters.get("lang") ?? "en"
            self.bump("timedtext-\(language)")
            return Self.json(
                #"{"events": [{"tStartMs": 0, "segs": [{"utf8": "Hello and welcome."}]}, {"tStartMs": 1000}, {"segs": [{"utf8": "Today we talk about "}, {"utf8": "Swift (\#(language))."}]}]}"#
            )
        }
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 22)
            let text = String(buffer: body)
            let isAnalysis = text.contains("Classify the YouTube video")
            self.bump(isAnalysis ? "analysis" : "summary")
            await self.gate.pass()
            let behavior = self.state.withLock { $0 }
            if behavior.answerDelay.upperBound > 0 { try await Task.sleep(for: .milliseconds(Int.random(in: behavior.answerDelay))) }
            let content: String
            if isAnalysis {
                content = behavior.analysis
            } else {
                let variant =
                    [
                        "narration script in French": "audio-fr", "narration script in Spanish": "audio-es", "narration script summarizing": "audio",
                        "bullet points": "bullet-points", "key insights": "key-insights", "executive summary": "executive",
                    ]
                    .first { text.contains($0.key) }?.value ?? "comprehensive"
                content =
                    "\(behavior.summaryPrefix)**Summary (\(variant)):** The video explains Swift. It shows examples.\n• First point\n• Second point"
            }
            var answer = ""
            JSONText.appendString(content, to: &answer)
            return Self.json(
                #"{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": \#(answer)}, "finish_reason": "stop"}]}"#
            )
        }
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

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
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
