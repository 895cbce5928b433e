import Foundation
import Logging
import ServiceLifecycle
import YTV2Core
import YTV2Store

/// The Telegram bot: long polling, allowed users only, a keyboard of variants for each YouTube link, jobs run through
/// the queue, progress by editing the message, the dashboard link and the MP3 as results, delete with confirmation.
/// All state travels in the messages and their callback data (per chat, per message); nothing is global.
/// A `Service`: on graceful shutdown it stops polling and lets the updates in hand finish (their jobs are handed back
/// to the queue if they cannot).
package struct TelegramBot: Sendable, Service {
    package let client: TelegramClient
    package let store: Store
    package let worker: Worker
    package let allowedUsers: Set<Int64>
    package let dashboardURL: String
    package let logger: Logger
    package var pollTimeout = 30

    package init(client: TelegramClient, store: Store, worker: Worker, allowedUsers: Set<Int64>, dashboardURL: String, logger: Logger) {
        self.client = client
        self.store = store
        self.worker = worker
        self.allowedUsers = allowedUsers
        self.dashboardURL = dashboardURL.hasSuffix("/") ? String(dashboardURL.dropLast()) : dashboardURL
        self.logger = logger
    }

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
        Send me a YouTube link and choose a summary: comprehensive, key points, key insights, executive, or a narrated \
        audio summary (English, French, Spanish). /status shows the latest jobs.
        """

    private func received(_ text: String, chat: Int64) async throws {
        let command = text.split(separator: " ").first.map(String.init)?.lowercased() ?? ""
        if command == "/start" || command == "/help" {
            try await client.send(chat: chat, text: Self.help)
            return
        }
        if command == "/status" {
            let jobs = try await store.recentJobs(limit: 5)
            let lines = jobs.map {
                "#\($0.id) \($0.videoID) \($0.variants.joined(separator: ",")): \($0.status.rawValue)\($0.reason.map { " (\($0))" } ?? "")"
            }
            try await client.send(chat: chat, text: lines.isEmpty ? "No jobs yet." : lines.joined(separator: "\n"))
            return
        }
        let id = text.split(whereSeparator: \.isWhitespace).lazy.compactMap { try? VideoID(url: String($0)) }.first
        guard let id else {
            try await client.send(chat: chat, text: "That is not a YouTube link. " + Self.help)
            return
        }
        try await client.send(chat: chat, text: "🎬 \(id.canonicalURL)\nChoose a summary:", buttons: try await keyboard(for: id))
    }

    /// Two variants per row, stored ones marked, and a delete button when the video exists.
    func keyboard(for id: VideoID) async throws -> [[TelegramClient.Button]] {
        let stored = try await store.storedVariants(id)
        let choices: [(String, String)] = [
            ("comprehensive", "Comprehensive"), ("bullet-points", "Key points"), ("key-insights", "Key insights"),
            ("executive", "Executive"), ("audio", "Audio (EN)"), ("audio-fr:intermediate", "Audio (FR)"), ("audio-es:intermediate", "Audio (ES)"),
        ]
        var buttons = choices.map { variant, label in
            let base = variant.split(separator: ":").first.map(String.init) ?? variant
            return TelegramClient.Button(text: (stored.contains(base) ? "✓ " : "") + label, data: "v|\(id.rawValue)|\(variant)")
        }
        if !stored.isEmpty { buttons.append(TelegramClient.Button(text: "🗑 Delete", data: "d|\(id.rawValue)")) }
        return stride(from: 0, to: buttons.count, by: 2).map { Array(buttons[$0..<min($0 + 2, buttons.count)]) }
    }

    private func pressed(_ data: String, chat: Int64, message: Int64, user: Int64) async throws {
        let parts = data.split(separator: "|", maxSplits: 2).map(String.init)
        guard parts.count >= 2, let id = try? VideoID(parts[1]) else { return }
        switch parts[0] {
        case "v" where parts.count == 3:
            let variant = parts[2]
            try await client.edit(chat: chat, message: message, text: "⏳ \(variant) for \(id): queued")
            let job = try await store.enqueueJob(id, variants: [variant], requestedBy: "telegram:\(user)")
            try await client.edit(chat: chat, message: message, text: "⚙️ \(variant) for \(id): working (job #\(job.id))")
            let finished = try await worker.runToEnd(job.id)
            try await report(finished, variant: variant, id: id, chat: chat, message: message)
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
                try await store.delete(id, actor: "telegram:\(user)", reason: "deleted from Telegram")
                try await client.edit(chat: chat, message: message, text: "🗑 Deleted \(id).")
            } catch let error as StoreError {
                try await client.edit(chat: chat, message: message, text: "Not deleted: \(error.description)")
            }
        case "x":
            try await client.edit(chat: chat, message: message, text: "🎬 \(id.canonicalURL)\nChoose a summary:", buttons: try await keyboard(for: id))
        default:
            return
        }
    }

    private func report(_ job: Job, variant: String, id: VideoID, chat: Int64, message: Int64) async throws {
        switch job.status {
        case .succeeded:
            // The MP3 first, so that the ✅ message means everything has arrived.
            if variant.hasPrefix("audio"), let bytes = try await store.audioBytes(for: id) {
                try await client.sendAudio(chat: chat, bytes: bytes, fileName: "\(id.rawValue).mp3", title: "Summary of \(id.rawValue)")
            }
            let link = "\(dashboardURL)/#report=yt:\(id.rawValue)"
            try await client.edit(
                chat: chat,
                message: message,
                text: "✅ \(variant) for \(id) is ready: \(link)",
                buttons: try await keyboard(for: id)
            )
        case .cancelled:
            try await client.edit(chat: chat, message: message, text: "🗑 \(id) was deleted while it was being processed; nothing was stored.")
        case .queued:
            try await client.edit(
                chat: chat,
                message: message,
                text: "⏳ \(variant) for \(id): will be retried (\(job.reason ?? "temporary failure"))"
            )
        default:
            try await client.edit(chat: chat, message: message, text: "❌ \(variant) for \(id) failed: \(job.reason ?? "unknown reason")")
        }
    }
}
