import Foundation
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Processor
import YTV2Store
import YTV2TestSupport

/// The bot against a local Telegram Bot API, the fake YouTube/LLM/speech services and a real database.
@Suite struct TelegramBotTests {
    static func withBot(_ body: @Sendable (FakeTelegram, Store) async throws -> Void) async throws {
        let services = FakeServices()
        let telegram = FakeTelegram()
        try await services.run { base in
            try await telegram.run { telegramBase in
                try await withTestStore { store in
                    let logger = TestPostgres.logger
                    let configuration = try ProcessorConfiguration(environment: [
                        "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "TTS_BASE_URL": base + "/v1",
                        "DASHBOARD_URL": "https://dash.example",
                    ])
                    let http = HTTPFetcher()
                    let worker = Worker(
                        store: store,
                        pipeline: configuration.pipeline(store: store, http: http, logger: logger),
                        concurrency: 1,
                        logger: logger
                    )
                    var bot = TelegramBot(
                        client: TelegramClient(baseURL: telegramBase, token: FakeTelegram.token, http: http),
                        store: store,
                        worker: worker,
                        allowedUsers: [1, 2],
                        dashboardURL: configuration.dashboardURL,
                        logger: logger
                    )
                    bot.pollTimeout = 1
                    let running = Task { [bot] in try await bot.run() }
                    defer { running.cancel() }
                    try await body(telegram, store)
                }
            }
        }
    }

    @Test func anUnauthorizedUserIsRefusedAndNothingIsQueued() async throws {
        try await Self.withBot { telegram, store in
            telegram.pushMessage(chat: 99, user: 99, text: "https://youtu.be/dQw4w9WgXcQ")
            let reply = try await telegram.waitForMessage(chat: 99) { _ in true }
            #expect(reply?.text.contains("only works for its owners") == true)
            #expect(reply?.buttons.isEmpty == true)
            #expect(try await store.recentJobs().isEmpty)
        }
    }

    @Test func twoChatsAtOnceEachGetTheirOwnStoredVideoLinkAndAudio() async throws {
        try await Self.withBot { telegram, store in
            let chats: [(chat: Int64, user: Int64, video: String, variant: String)] = [
                (10, 1, "AAAAAAAAAA1", "audio"), (20, 2, "BBBBBBBBBB2", "comprehensive"),
            ]
            for chat in chats {
                telegram.pushMessage(chat: chat.chat, user: chat.user, text: "look at this https://www.youtube.com/watch?v=\(chat.video)&t=3s please")
            }
            var prompts: [(Int64, Int64, String)] = []
            for chat in chats {
                let prompt = try #require(try await telegram.waitForMessage(chat: chat.chat) { !$0.buttons.isEmpty })
                #expect(prompt.text.contains(chat.video))
                let data = try #require(prompt.buttons.flatMap { $0 }.first { $0.data == "v|\(chat.video)|\(chat.variant)" }?.data)
                prompts.append((chat.chat, prompt.id, data))
            }
            // Both buttons pressed at the same time.
            for (index, chat) in chats.enumerated() {
                telegram.pushCallback(chat: chat.chat, user: chat.user, message: prompts[index].1, data: prompts[index].2)
            }
            for chat in chats {
                let done = try #require(try await telegram.waitForMessage(chat: chat.chat) { $0.text.hasPrefix("✅") })
                #expect(done.text.contains(chat.video))
                #expect(done.text.contains("https://dash.example/#report=yt:\(chat.video)"))
                #expect(!chats.filter { $0.video != chat.video }.contains { done.text.contains($0.video) })
                // The stored variant is now marked on the keyboard.
                #expect(done.buttons.flatMap { $0 }.contains { $0.text.hasPrefix("✓") })
                #expect(try await store.report(id: chat.video) != nil)
            }
            // The audio variant's MP3 went to its own chat only.
            #expect(telegram.audio.map(\.chat) == [10])
            #expect(telegram.audio.allSatisfy { $0.bytes > 0 && $0.fileName?.hasSuffix(".mp3") == true }, "\(telegram.audio)")
        }
    }

    @Test func deleteAsksForConfirmationAndDeletesThroughTheStore() async throws {
        try await Self.withBot { telegram, store in
            let video = "CCCCCCCCCC3"
            telegram.pushMessage(chat: 30, user: 1, text: "https://youtu.be/\(video)")
            let prompt = try #require(try await telegram.waitForMessage(chat: 30) { !$0.buttons.isEmpty })
            // Not stored yet: no delete button. Store it, then ask again.
            #expect(!prompt.buttons.flatMap { $0 }.contains { $0.data.hasPrefix("d|") })
            telegram.pushCallback(chat: 30, user: 1, message: prompt.id, data: "v|\(video)|comprehensive")
            let done = try #require(try await telegram.waitForMessage(chat: 30) { $0.text.hasPrefix("✅") })
            let delete = try #require(done.buttons.flatMap { $0 }.first { $0.data == "d|\(video)" })
            telegram.pushCallback(chat: 30, user: 1, message: done.id, data: delete.data)
            let confirm = try #require(try await telegram.waitForMessage(chat: 30) { $0.text.hasPrefix("Delete") })
            #expect(try await store.report(id: video) != nil)
            telegram.pushCallback(chat: 30, user: 1, message: confirm.id, data: "D|\(video)")
            _ = try #require(try await telegram.waitForMessage(chat: 30) { $0.text.hasPrefix("🗑 Deleted") })
            #expect(try await store.report(id: video) == nil)
            #expect(try await store.tombstone(for: VideoID(video)) != nil)
        }
    }
}
