import Foundation
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Processor
import YTV2Store
import YTV2TestSupport

/// The bot against a local Telegram Bot API that refuses what the real one refuses (``FakeTelegram``), the fake
/// YouTube/LLM/speech services and a real database.
@Suite struct TelegramBotTests {
    static func withBot(
        summary: String? = nil,
        dashboard: String = "https://dash.example",
        refuseHTML: Bool = false,
        _ body: @Sendable (FakeTelegram, Store) async throws -> Void
    ) async throws {
        let services = FakeServices()
        services.update { $0.summaryText = summary }
        let telegram = FakeTelegram()
        telegram.refuseHTML(refuseHTML)
        try await services.run { base in
            try await telegram.run { telegramBase in
                try await withTestStore { store in
                    let logger = TestPostgres.logger
                    let configuration = try ProcessorConfiguration(environment: [
                        "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "LLM_MODEL": "fake-model", "TTS_BASE_URL": base + "/v1",
                        "DASHBOARD_URL": dashboard, "YTDLP": "0",
                    ])
                    let http = HTTPFetcher()
                    let worker = Worker(
                        jobs: JobQueue(store: store),
                        pipeline: configuration.pipeline(store: store, http: http, logger: logger),
                        concurrency: 1,
                        logger: logger
                    )
                    var bot = TelegramBot(
                        client: TelegramClient(baseURL: telegramBase, token: FakeTelegram.token, http: http),
                        worker: worker,
                        allowedUsers: [1, 2],
                        dashboardURL: configuration.dashboardURL,
                        logger: logger
                    )
                    bot.services = configuration.providers.map { (stage: $0.0, provider: $0.1) }
                    bot.pollTimeout = 1
                    let running = Task { [bot] in try await bot.run() }
                    defer { running.cancel() }
                    try await body(telegram, store)
                    let refusals = telegram.refusals.filter { !(refuseHTML && $0.contains("can't parse entities")) }
                    #expect(refusals.isEmpty, "the Bot API refused: \(refusals)")
                }
            }
        }
    }

    /// Sends a link and returns the keyboard message.
    static func keyboard(_ telegram: FakeTelegram, chat: Int64, user: Int64 = 1, video: String) async throws -> FakeTelegram.Message {
        telegram.pushMessage(chat: chat, user: user, text: "https://youtu.be/\(video)")
        return try #require(try await telegram.waitForMessage(chat: chat) { $0.buttons.flatMap { $0 }.contains { $0.data.hasPrefix("v|") } })
    }

    /// Presses a button and waits for the summary's last message (the one with ➕ Add Variant).
    static func press(_ telegram: FakeTelegram, chat: Int64, user: Int64 = 1, message: Int64, data: String) async throws -> FakeTelegram.Message {
        let before = telegram.messages(chat: chat).count
        telegram.pushCallback(chat: chat, user: user, message: message, data: data)
        let last = try #require(
            try await telegram.waitForMessage(chat: chat) { message in
                telegram.messages(chat: chat).count > before && message.buttons.flatMap { $0 }.contains { $0.text == "➕ Add Variant" }
            },
            "no summary arrived: \(telegram.messages(chat: chat).map(\.text))"
        )
        return last
    }

    @Test func anUnauthorizedUserIsRefusedAndNothingIsQueued() async throws {
        try await Self.withBot { telegram, store in
            telegram.pushMessage(chat: 99, user: 99, text: "https://youtu.be/dQw4w9WgXcQ")
            let reply = try await telegram.waitForMessage(chat: 99) { _ in true }
            #expect(reply?.text.contains("only works for its owners") == true)
            #expect(reply?.buttons.isEmpty == true)
            #expect(try await JobQueue(store: store).recent().isEmpty)
        }
    }

    @Test func theKeyboardHasTheLegacyOrderAndLabels() async throws {
        try await Self.withBot { telegram, store in
            let prompt = try await Self.keyboard(telegram, chat: 5, video: "KeyboardVd1")
            #expect(
                prompt.buttons.map { $0.map(\.text) } == [
                    ["📝 Comprehensive", "🎯 Key Points"], ["💡 Key Insights", "🎙️ Audio"], ["🎙️ Audio FR 🇫🇷", "🎙️ Audio ES 🇪🇸"],
                ]
            )
            #expect(prompt.text.contains("Choose your summary type"))
        }
    }

    /// The whole workflow of the issue: a 6,000-character summary full of markdown's reserved characters arrives in the
    /// chat as valid messages under Telegram's limit, with the header and the legacy buttons; Add Variant brings the
    /// keyboard back with ✅ and the Open summary link.
    @Test func pressingComprehensiveDeliversTheWholeSummaryInValidMessages() async throws {
        let summary = LongSummary.text
        #expect((6_000...7_000).contains(summary.count), "\(summary.count)")
        try await Self.withBot(summary: summary) { telegram, store in
            let video = "LongSummry1"
            let prompt = try await Self.keyboard(telegram, chat: 7, video: video)
            let last = try await Self.press(telegram, chat: 7, message: prompt.id, data: "v|\(video)|comprehensive")
            let messages = telegram.messages(chat: 7).filter { $0.id > prompt.id }
            print("The \(summary.count)-character summary became \(messages.count) messages:")
            for message in messages {
                print("--- message \(message.id): \(message.visible.utf16.count) characters, parse mode \(message.parseMode ?? "none")")
                print(message.text)
                print("buttons: \(message.buttons.map { $0.map { "\($0.text) \($0.url ?? $0.data)" } })")
            }
            #expect(messages.count >= 2)
            #expect(messages.allSatisfy { $0.parseMode == "HTML" && $0.visible.utf16.count <= 4_096 })
            let first = try #require(messages.first)
            #expect(first.visible.hasPrefix("🎬 Video \(video)\n📺 Channel of \(video)\n⏱️ Duration: 12:34 → ~"), "\(first.visible.prefix(200))")
            #expect(first.visible.contains("📝 Comprehensive Summary:"))
            // Every word of the summary reached the chat, in order.
            let delivered = messages.map(\.visible).joined(separator: "\n")
            let expected = LongSummary.words(of: summary)
            let all = LongSummary.words(of: delivered)
            let got = Array(all[(all.firstIndex(of: "Overview") ?? 0)...])
            #expect(got.count == expected.count)
            let mismatch = zip(expected, got).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(
                mismatch == nil,
                "first difference at word \(mismatch?.offset ?? -1): \(expected[max(0, (mismatch?.offset ?? 0) - 3)..<min(expected.count, (mismatch?.offset ?? 0) + 3)]) against \(got[max(0, (mismatch?.offset ?? 0) - 3)..<min(got.count, (mismatch?.offset ?? 0) + 3)])"
            )
            #expect(delivered.contains("snake_case_name") && delivered.contains("x < y & y > z"))
            // The legacy buttons under the last message.
            #expect(last.buttons.map { $0.map(\.text) } == [["📊 Dashboard", "📄 Open Summary"], ["▶️ Listen"], ["➕ Add Variant"]])
            #expect(last.buttons[0][1].url == "https://dash.example/#report=yt:\(video)")
            // Add Variant: the keyboard again, in a new message below the summary, the stored variant marked, the summary
            // link, Delete.
            let add = try #require(last.buttons.flatMap { $0 }.first { $0.text == "➕ Add Variant" })
            telegram.pushCallback(chat: 7, user: 1, message: last.id, data: add.data)
            let again = try #require(try await telegram.waitForMessage(chat: 7) { $0.id > last.id && !$0.buttons.isEmpty })
            let buttons = again.buttons.flatMap { $0 }
            #expect(buttons.contains { $0.text == "📝 Comprehensive ✅" })
            #expect(buttons.contains { $0.text == "📄 Open summary" && $0.url == "https://dash.example/#report=yt:\(video)" })
            #expect(buttons.contains { $0.data == "d|\(video)" })
            #expect(again.text.contains("Video \(video)"))
            #expect(telegram.messages(chat: 7).first { $0.id == last.id }?.text == last.text, "the summary was replaced")
        }
    }

    @Test func aSummaryWhoseFormattingTelegramRefusesArrivesAsPlainText() async throws {
        try await Self.withBot(summary: LongSummary.text, refuseHTML: true) { telegram, store in
            let video = "PlainFallbk"
            let prompt = try await Self.keyboard(telegram, chat: 14, video: video)
            let last = try await Self.press(telegram, chat: 14, message: prompt.id, data: "v|\(video)|comprehensive")
            let messages = telegram.messages(chat: 14).filter { $0.id > prompt.id }
            #expect(messages.allSatisfy { $0.parseMode == nil && $0.text.utf16.count <= 4_096 })
            let delivered = LongSummary.words(of: messages.map(\.visible).joined(separator: "\n"))
            #expect(delivered.suffix(LongSummary.words(of: LongSummary.text).count) == ArraySlice(LongSummary.words(of: LongSummary.text)))
            #expect(last.buttons.flatMap { $0 }.contains { $0.text == "▶️ Listen" })
            #expect(telegram.refusals.count == messages.count)
        }
    }

    @Test func audioFROffersTheThreeLevelsAndStoresTheChosenOne() async throws {
        try await Self.withBot { telegram, store in
            let video = "FrenchLevl1"
            let prompt = try await Self.keyboard(telegram, chat: 8, video: video)
            telegram.pushCallback(chat: 8, user: 1, message: prompt.id, data: "L|\(video)|audio-fr")
            let levels = try #require(try await telegram.waitForMessage(chat: 8) { $0.id == prompt.id && $0.text.contains("niveau") })
            #expect(levels.buttons.map { $0.map(\.text) } == [["🟢 Débutant", "🟡 Intermédiaire", "🔵 Avancé"], ["⬅️ Retour"]])
            #expect(
                levels.buttons[0].map(\.data) == ["v|\(video)|audio-fr:beginner", "v|\(video)|audio-fr:intermediate", "v|\(video)|audio-fr:advanced"]
            )
            _ = try await Self.press(telegram, chat: 8, message: prompt.id, data: "v|\(video)|audio-fr:beginner")
            let stored = try #require(try await ReportReader(store: store).report(id: video)?.summaries.first { $0.variant.id == "audio-fr" })
            #expect(stored.proficiency == .beginner)
            #expect(telegram.messages(chat: 8).contains { $0.visible.contains("📝 Audio FR (Beginner) Summary:") })
            // The MP3 after the text, with its title and performer.
            for _ in 0..<500 where telegram.audio.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            let mp3 = try #require(telegram.audio.first { $0.chat == 8 })
            #expect(mp3.title == "Video \(video)" && mp3.performer == "Channel of \(video)")
            // Back returns to the keyboard.
            telegram.pushCallback(chat: 8, user: 1, message: levels.id, data: "k|\(video)")
            _ = try #require(try await telegram.waitForMessage(chat: 8) { $0.id == levels.id && $0.text.contains("Choose your summary type") })
        }
    }

    @Test func listenSpeaksTheSummaryAsAVoiceNote() async throws {
        try await Self.withBot { telegram, store in
            let video = "ListenVide1"
            let prompt = try await Self.keyboard(telegram, chat: 9, video: video)
            let last = try await Self.press(telegram, chat: 9, message: prompt.id, data: "v|\(video)|key-insights")
            let listen = try #require(last.buttons.flatMap { $0 }.first { $0.text == "▶️ Listen" })
            telegram.pushCallback(chat: 9, user: 1, message: last.id, data: listen.data)
            for _ in 0..<500 where telegram.voices.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            #expect(telegram.voices.map(\.chat) == [9])
            // A text summary's voice is for the chat only: the video has no audio.
            #expect(try await ReportReader(store: store).audioInfo(for: VideoID(video)) == nil)
        }
    }

    @Test func statusNamesTheSummarizerSpeechAndTheQueue() async throws {
        try await Self.withBot { telegram, store in
            telegram.pushMessage(chat: 11, user: 1, text: "/status")
            let status = try #require(try await telegram.waitForMessage(chat: 11) { _ in true })
            #expect(status.text.contains("summarizer: chat completions at") && status.text.contains("fake-model"), "\(status.text)")
            #expect(status.text.contains("speech: speech API at"), "\(status.text)")
            #expect(status.text.contains("queue: 0 waiting, 0 running"), "\(status.text)")
            telegram.pushMessage(chat: 12, user: 1, text: "/start")
            let help = try #require(try await telegram.waitForMessage(chat: 12) { _ in true })
            #expect(help.text.contains("YouTube link") && help.text.contains("/status"))
        }
    }

    @Test func aLoopbackDashboardGetsItsLinkInTheTextInsteadOfAButtonTelegramWouldRefuse() async throws {
        try await Self.withBot(dashboard: "http://127.0.0.1:10000") { telegram, store in
            let video = "LoopbackDb1"
            let prompt = try await Self.keyboard(telegram, chat: 13, video: video)
            let last = try await Self.press(telegram, chat: 13, message: prompt.id, data: "v|\(video)|comprehensive")
            #expect(!last.buttons.flatMap { $0 }.contains { $0.url != nil })
            #expect(telegram.messages(chat: 13).contains { $0.text.contains("http://127.0.0.1:10000/#report=yt:\(video)") })
        }
    }

    @Test func twoChatsAtOnceEachGetTheirOwnSummaryAndAudio() async throws {
        try await Self.withBot { telegram, store in
            let chats: [(chat: Int64, user: Int64, video: String, variant: String)] = [
                (10, 1, "AAAAAAAAAA1", "audio"), (20, 2, "BBBBBBBBBB2", "comprehensive"),
            ]
            var prompts: [Int64] = []
            for chat in chats {
                telegram.pushMessage(chat: chat.chat, user: chat.user, text: "look at this https://www.youtube.com/watch?v=\(chat.video)&t=3s please")
            }
            for chat in chats {
                let prompt = try #require(try await telegram.waitForMessage(chat: chat.chat) { !$0.buttons.isEmpty })
                #expect(prompt.text.contains(chat.video))
                prompts.append(prompt.id)
            }
            // Both buttons pressed at the same time.
            for (index, chat) in chats.enumerated() {
                telegram.pushCallback(chat: chat.chat, user: chat.user, message: prompts[index], data: "v|\(chat.video)|\(chat.variant)")
            }
            for chat in chats {
                let done = try #require(
                    try await telegram.waitForMessage(chat: chat.chat) { $0.buttons.flatMap { $0 }.contains { $0.text == "➕ Add Variant" } }
                )
                #expect(done.buttons[0][1].url == "https://dash.example/#report=yt:\(chat.video)")
                let texts = telegram.messages(chat: chat.chat).map(\.visible).joined()
                #expect(texts.contains("Video \(chat.video)"))
                #expect(!chats.filter { $0.video != chat.video }.contains { texts.contains($0.video) })
                #expect(try await ReportReader(store: store).report(id: chat.video) != nil)
            }
            // The audio variant's MP3 went to its own chat only.
            for _ in 0..<500 where telegram.audio.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            #expect(telegram.audio.map(\.chat) == [10])
            #expect(telegram.audio.allSatisfy { $0.bytes > 0 && $0.fileName?.hasSuffix(".mp3") == true })
        }
    }

    @Test func deleteAsksForConfirmationAndDeletesThroughTheStore() async throws {
        try await Self.withBot { telegram, store in
            let video = "CCCCCCCCCC3"
            let prompt = try await Self.keyboard(telegram, chat: 30, video: video)
            // Not stored yet: no delete button. Store it, then ask for the keyboard again.
            #expect(!prompt.buttons.flatMap { $0 }.contains { $0.data.hasPrefix("d|") })
            let last = try await Self.press(telegram, chat: 30, message: prompt.id, data: "v|\(video)|comprehensive")
            telegram.pushCallback(chat: 30, user: 1, message: last.id, data: "a|\(video)")
            let keyboard = try #require(
                try await telegram.waitForMessage(chat: 30) { $0.buttons.flatMap { $0 }.contains { $0.data == "d|\(video)" } }
            )
            telegram.pushCallback(chat: 30, user: 1, message: keyboard.id, data: "d|\(video)")
            let confirm = try #require(try await telegram.waitForMessage(chat: 30) { $0.text.hasPrefix("Delete") })
            #expect(try await ReportReader(store: store).report(id: video) != nil)
            telegram.pushCallback(chat: 30, user: 1, message: confirm.id, data: "D|\(video)")
            _ = try #require(try await telegram.waitForMessage(chat: 30) { $0.text.hasPrefix("🗑 Deleted") })
            #expect(try await ReportReader(store: store).report(id: video) == nil)
            #expect(try await ReportReader(store: store).tombstone(for: VideoID(video)) != nil)
        }
    }
}

/// A summary shaped like the real ones (3–6 KB of markdown): headings, bullets, bold and italic, links, code,
/// `snake_case`, an unclosed `**`, `<`, `&` and `>`, every MarkdownV2-reserved character, and a paragraph longer than
/// a message (TelegramTextTests cuts a line longer than a message).
enum LongSummary {
    static let text: String = {
        var lines = ["# Overview", "", "The talk (about 40 minutes!) covers **Swift on the server**: routing, *async* code, and `swift test`.", ""]
        lines += ["## Key points", ""]
        for index in 1...15 {
            lines.append(
                "- Point \(index): the speaker explains _why_ step \(index) matters (see [the docs](https://example.com/docs/\(index)?a=1&b=2)). Costs drop by \(index)% - or more!"
            )
        }
        lines += ["", "## Details", ""]
        // One paragraph of many lines, longer than a message.
        lines += (1...36).map { "Line \($0) of a long paragraph: x < y & y > z, a snake_case_name, 3 * 4 = 12, {braces} | pipes #hash ~tilde." }
        lines += ["", "**An unclosed bold mark and a lone * star.", "", "### Conclusion", "", "That's all, folks!"]
        return lines.joined(separator: "\n")
    }()

    /// The words a reader sees: runs of letters and digits, link targets left out.
    static func words(of text: String) -> [String] {
        text.replacingOccurrences(of: #"\]\(https?://[^)]*\)"#, with: "]", options: .regularExpression)
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }
}
