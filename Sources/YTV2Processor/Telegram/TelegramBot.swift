import Foundation
import Logging
import ServiceLifecycle
import YTV2Core
import YTV2Store

/// The Telegram bot, with the workflow its users had: a YouTube link answered by the variant keyboard, a button press
/// answered by progress in that message and then **the summary itself in the chat** (header and text, as many messages
/// as Telegram's limit needs, formatted, plain if Telegram refuses the formatting) with the buttons the legacy bot put
/// under it (Dashboard, Open Summary, Listen, Add Variant); the narrations' MP3 after their text; the French and
/// Spanish narrations ask for a level first; delete with confirmation. Allowed users only. All state travels in the
/// messages and their callback data (``TelegramScreens``); nothing is global.
/// A `Service`: on graceful shutdown it stops polling and lets the updates in hand finish (their jobs are handed back
/// to the queue if they cannot).
package struct TelegramBot: Sendable, Service {
    package let client: TelegramClient
    /// Runs the jobs the bot queues; its queue and its pipeline's store and reader are the bot's too.
    package let worker: Worker
    package let allowedUsers: Set<Int64>
    package let dashboard: DashboardLink
    /// What `/status` says of the services (`ProcessorConfiguration.providers`).
    package var services: [(stage: String, provider: String)] = []
    package let logger: Logger
    package var pollTimeout = 30

    package init(client: TelegramClient, worker: Worker, allowedUsers: Set<Int64>, dashboardURL: String, logger: Logger) {
        self.client = client
        self.worker = worker
        self.allowedUsers = allowedUsers
        self.dashboard = DashboardLink(dashboardURL)
        self.logger = logger
    }

    var jobs: JobQueue { worker.jobs }
    var videos: VideoStore { worker.pipeline.videos }
    var reports: ReportReader { worker.pipeline.reports }

    /// Polls until cancelled or shut down gracefully; each update is handled in its own task, so chats do not wait for
    /// each other.
    package func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var offset: Int64 = 0
            var failures = 0
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let updates: [TelegramClient.Update]
                do {
                    // A long poll waits up to `pollTimeout` seconds: a stop request ends it at once.
                    let (client, offset, timeout) = (self.client, offset, pollTimeout)
                    updates = try await cancelWhenGracefulShutdown { try await client.updates(offset: offset, timeout: timeout) }
                    failures = 0
                } catch  where Task.isShuttingDownGracefully {
                    break
                } catch {
                    failures += 1
                    let delay = min(60, 1 << min(failures, 6))
                    logger.warning("Telegram polling failed (\(error)); retrying in \(delay) s")
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
                    continue
                }
                for update in updates {
                    offset = max(offset, update.id + 1)
                    group.addTask { await handle(update) }
                }
            }
            // Stopping: the updates in hand finish (or are cancelled when the stop's time runs out).
            try await group.waitForAll()
        }
    }

    package func handle(_ update: TelegramClient.Update) async {
        do {
            guard allowedUsers.contains(update.userID) else {
                logger.notice("refused Telegram user \(update.userID)")
                if let callback = update.callbackID {
                    try await client.answer(callback: callback, text: "Not authorized")
                } else if update.chatID != 0 {
                    try await client.send(chat: update.chatID, text: "Sorry, this bot only works for its owners.")
                }
                return
            }
            if let data = update.callbackData, let callback = update.callbackID, let message = update.messageID {
                try await client.answer(callback: callback)
                try await pressed(data, chat: update.chatID, message: message, user: update.userID)
            } else if let text = update.text {
                try await received(text, chat: update.chatID)
            }
        } catch {
            logger.error("Telegram update \(update.id) failed: \(error)")
        }
    }

    static let help = """
        Send me a YouTube link, then choose a summary: Comprehensive, Key Points, Key Insights, or a narrated Audio \
        summary (English, French or Spanish, at your level). The summary comes here in the chat, with buttons to open \
        it on the dashboard, listen to it, or add another variant.
        /status: the summarizer, speech and the queue. /help: this message.
        """

    private func received(_ text: String, chat: Int64) async throws {
        let command = text.split(separator: " ").first.map(String.init)?.lowercased() ?? ""
        if command == "/start" || command == "/help" {
            try await client.send(chat: chat, text: Self.help)
            return
        }
        if command == "/status" {
            try await client.send(chat: chat, text: try await status())
            return
        }
        let id = text.split(whereSeparator: \.isWhitespace).lazy.compactMap { try? VideoID(url: String($0)) }.first
        guard let id else {
            try await client.send(chat: chat, text: "That is not a YouTube link. " + Self.help)
            return
        }
        let (text, buttons) = try await keyboard(for: id)
        try await client.send(chat: chat, text: text, buttons: buttons)
    }

    /// `/status`: which services summarize and speak, the queue, the latest jobs.
    func status() async throws -> String {
        var lines = services.filter { ["summarizer", "speech"].contains($0.stage) }.map {
            "\($0.stage == "speech" ? "🔊" : "🧠") \($0.stage): \($0.provider)"
        }
        let counts = try await jobs.counts()
        lines.append("📋 queue: \(counts.queued) waiting, \(counts.running) running")
        let jobs = try await jobs.recent(limit: 5)
        lines += jobs.map {
            "#\($0.id) \($0.videoID) \($0.variants.joined(separator: ",")): \($0.status.rawValue)\($0.reason.map { " (\($0.prefix(120)))" } ?? "")"
        }
        return lines.joined(separator: "\n")
    }

    /// The variant keyboard of a video and its message.
    func keyboard(for id: VideoID) async throws -> (String, [[TelegramClient.Button]]) {
        let stored = try await reports.storedVariants(id)
        let title = stored.isEmpty ? nil : try await reports.report(id: id.rawValue)?.title
        return (
            TelegramScreens.keyboardText(for: id, title: title, stored: stored, dashboard: dashboard),
            TelegramScreens.keyboard(for: id, stored: stored, dashboard: dashboard)
        )
    }

    private func pressed(_ data: String, chat: Int64, message: Int64, user: Int64) async throws {
        let parts = data.split(separator: "|", maxSplits: 2).map(String.init)
        guard parts.count >= 2, let id = try? VideoID(parts[1]) else { return }
        switch parts[0] {
        case "v" where parts.count == 3:
            try await run(parts[2], for: id, chat: chat, message: message, user: user)
        case "L" where parts.count == 3 && ["audio-fr", "audio-es"].contains(parts[2]):
            let (text, buttons) = TelegramScreens.levels(for: id, variant: parts[2])
            try await client.edit(chat: chat, message: message, text: text, buttons: buttons)
        case "k":
            let (text, buttons) = try await keyboard(for: id)
            try await client.edit(chat: chat, message: message, text: text, buttons: buttons)
        case "a":
            // Under a summary: a new keyboard below it, the summary stays.
            let (text, buttons) = try await keyboard(for: id)
            try await client.send(chat: chat, text: text, buttons: buttons)
        case "l" where parts.count == 3:
            try await listen(parts[2], for: id, chat: chat, user: user)
        case "d":
            try await client.edit(
                chat: chat,
                message: message,
                text: "Delete \(id) from the dashboard?",
                buttons: [
                    [
                        TelegramClient.Button(text: "Yes, delete", data: "D|\(id.rawValue)"),
                        TelegramClient.Button(text: "Cancel", data: "x|\(id.rawValue)"),
                    ]
                ]
            )
        case "D":
            do {
                try await videos.delete(id, actor: "telegram:\(user)", reason: "deleted from Telegram")
                try await client.edit(chat: chat, message: message, text: "🗑 Deleted \(id).")
            } catch let error as StoreError {
                try await client.edit(chat: chat, message: message, text: "Not deleted: \(error.description)")
            }
        case "x":
            let (text, buttons) = try await keyboard(for: id)
            try await client.edit(chat: chat, message: message, text: text, buttons: buttons)
        default:
            return
        }
    }

    /// Runs a variant through the queue, with its progress in the pressed message, then delivers it.
    private func run(_ variant: String, for id: VideoID, chat: Int64, message: Int64, user: Int64) async throws {
        let name = TelegramScreens.variantName(variant)
        try await client.edit(chat: chat, message: message, text: "⏳ \(name) for \(id): queued")
        let job = try await jobs.enqueue(id, variants: [variant], requestedBy: "telegram:\(user)")
        try await client.edit(chat: chat, message: message, text: "⚙️ \(name) for \(id): working (job #\(job.id))")
        let finished = try await worker.runToEnd(job.id)
        switch finished.status {
        case .succeeded:
            let link = dashboard.report(id) == nil ? dashboard.plainReport(id).map { "\n📄 \($0)" } ?? "" : ""
            try await client.edit(chat: chat, message: message, text: "✅ \(name) for \(id) is ready ⬇️\(link)")
            try await deliver(variant, of: id, chat: chat)
        case .cancelled:
            try await client.edit(chat: chat, message: message, text: "🗑 \(id) was deleted while it was being processed; nothing was stored.")
        case .queued:
            try await client.edit(
                chat: chat,
                message: message,
                text: "⏳ \(name) for \(id): will be retried (\(finished.reason ?? "temporary failure"))"
            )
        default:
            try await client.edit(chat: chat, message: message, text: "❌ \(name) for \(id) failed: \(finished.reason ?? "unknown reason")")
        }
    }

    /// The stored summary in the chat: header and text in as many messages as needed, the legacy buttons under the
    /// last; a message whose formatting Telegram refuses goes again as plain text. A narration's MP3 follows its text.
    func deliver(_ variant: String, of id: VideoID, chat: Int64) async throws {
        let base = variant.split(separator: ":").first.map(String.init) ?? variant
        guard let report = try await reports.report(id: id.rawValue),
            let summary = report.summaries.first(where: { $0.variant.id == base && $0.isLatest })
        else { return }
        let header = TelegramScreens.header(
            title: report.title,
            channel: report.channelName,
            durationSeconds: report.durationSeconds,
            summary: summary.text,
            variant: variant
        )
        let messages = TelegramText.messages(header: header, markdown: summary.text)
        for (index, message) in messages.enumerated() {
            let buttons = index == messages.count - 1 ? TelegramScreens.afterSummary(id, variant: variant, dashboard: dashboard) : []
            if try await client.send(chat: chat, message: message, buttons: buttons) {
                logger.warning("Telegram refused the formatting of a summary message of \(id); it was sent as plain text")
            }
        }
        if summary.variant.kind == .audio, let bytes = try await reports.audioBytes(for: id) {
            try await client.sendAudio(
                chat: chat,
                bytes: bytes,
                fileName: "\(id.rawValue)-\(base).mp3",
                title: report.title,
                performer: report.channelName
            )
        }
    }

    /// ▶️ Listen: the summary as a voice note. A narration's stored audio is sent as it is; one not spoken yet is
    /// spoken now and kept as the video's audio; a text summary is spoken for this chat only.
    private func listen(_ variant: String, for id: VideoID, chat: Int64, user: Int64) async throws {
        let base = variant.split(separator: ":").first.map(String.init) ?? variant
        let isNarration = base.hasPrefix("audio")
        if isNarration, let bytes = try await reports.audioBytes(for: id) {
            try await client.sendVoice(chat: chat, bytes: bytes, fileName: "\(id.rawValue)-\(base).mp3")
            return
        }
        guard let speech = worker.pipeline.speech else {
            try await client.send(
                chat: chat,
                text: "🔇 No speech is configured: set TTS_BASE_URL, or install espeak-ng and ffmpeg on the processor's machine."
            )
            return
        }
        guard
            let summary = try await reports.report(id: id.rawValue)?.summaries.first(where: {
                $0.variant.id == base && $0.isLatest
            })
        else {
            try await client.send(chat: chat, text: "That summary is not stored any more.")
            return
        }
        try await client.send(chat: chat, text: "🔊 Speaking the \(TelegramScreens.variantName(variant)) summary…")
        let audio: AudioDraft
        do {
            audio = try await speech.speak(TelegramText.spoken(summary.text), language: summary.language)
        } catch {
            try await client.send(chat: chat, text: "❌ Speech failed: \(error)")
            return
        }
        if isNarration {
            _ = try await videos.commit(VideoWrite(videoID: id, audio: audio, actor: "telegram:\(user)"))
        }
        try await client.sendVoice(chat: chat, bytes: audio.bytes, fileName: "\(id.rawValue)-\(base).mp3")
    }
}
