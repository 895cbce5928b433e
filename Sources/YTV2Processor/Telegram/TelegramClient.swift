import AsyncHTTPClient
import Foundation
import MultipartKit
import NIOCore
import NIOHTTP1
import YTV2Core

/// The parts of the Telegram Bot API the bot uses, over HTTPS (`{base}/bot<token>/<method>`), JSON in and out, files as
/// multipart forms. A refusal comes back as ``ProcessorError/http(service:status:body:)`` with the API's description
/// ("Bad Request: message is too long"); "Too Many Requests: retry after N" is waited out (up to 30 s) and the call
/// sent again.
package struct TelegramClient: Sendable {
    package let baseURL: String
    let token: String
    package let http: HTTPFetcher

    package init(baseURL: String = "https://api.telegram.org", token: String, http: HTTPFetcher) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// An inline keyboard button: a callback (data of at most 64 bytes, Telegram's limit) or a link to open.
    package struct Button: Sendable, Equatable {
        package var text: String
        package var data: String?
        package var url: String?

        package init(text: String, data: String) {
            self.text = text
            self.data = data
        }

        package init(text: String, url: String) {
            self.text = text
            self.url = url
        }
    }

    /// How a message's text is read: as it is, or as Telegram's HTML subset.
    package enum Format: Sendable {
        case plain, html
    }

    package struct Update: Sendable {
        package var id: Int64
        package var chatID: Int64
        package var userID: Int64
        package var messageID: Int64?
        package var text: String?
        /// Set for a button press: the callback id (to answer) and its data.
        package var callbackID: String?
        package var callbackData: String?
    }

    /// Long polling: waits up to `timeout` seconds for updates after `offset`.
    package func updates(offset: Int64, timeout: Int) async throws(ProcessorError) -> [Update] {
        let request = TelegramAPI.GetUpdates(offset: offset, timeout: timeout, allowedUpdates: ["message", "callback_query"])
        let updates: [TelegramAPI.Update] = try await call("getUpdates", request)
        return updates.map(Self.update)
    }

    /// An update as the bot handles it. One the bot does not handle (an edited message, a channel post, a shape
    /// newer than these types) keeps its id, so the offset moves past it, and has chat 0.
    static func update(_ update: TelegramAPI.Update) -> Update {
        if let message = update.message, let user = message.from {
            return Update(id: update.updateID, chatID: message.chat.id, userID: user.id, messageID: message.messageID, text: message.text)
        }
        if let query = update.callbackQuery, let message = query.message {
            return Update(
                id: update.updateID,
                chatID: message.chat.id,
                userID: query.from.id,
                messageID: message.messageID,
                text: nil,
                callbackID: query.id,
                callbackData: query.data
            )
        }
        return Update(id: update.updateID, chatID: 0, userID: 0, messageID: nil, text: nil)
    }

    /// Sends a message; returns its id.
    @discardableResult
    package func send(chat: Int64, text: String, format: Format = .plain, buttons: [[Button]] = []) async throws(ProcessorError) -> Int64 {
        let sent: TelegramAPI.SentMessage = try await call(
            "sendMessage",
            Self.message(chat: chat, messageID: nil, text: text, format: format, buttons: buttons)
        )
        return sent.messageID
    }

    /// Sends a formatted message; when Telegram refuses its formatting ("can't parse entities"), the same text goes plain
    /// rather than being lost. Returns whether it went plain.
    @discardableResult
    package func send(chat: Int64, message: TelegramText.Message, buttons: [[Button]] = []) async throws(ProcessorError) -> Bool {
        do {
            try await send(chat: chat, text: message.html, format: .html, buttons: buttons)
            return false
        } catch .http(_, 400, let description) where description.contains("can't parse entities") {
            try await send(chat: chat, text: message.plain, buttons: buttons)
            return true
        }
    }

    /// Replaces a message's text and buttons. Telegram refuses an edit that changes nothing ("message is not
    /// modified"); that is no failure here: the message already says what was asked.
    package func edit(chat: Int64, message: Int64, text: String, format: Format = .plain, buttons: [[Button]] = []) async throws(ProcessorError) {
        do {
            let _: TelegramAPI.Ignored = try await call(
                "editMessageText",
                Self.message(chat: chat, messageID: message, text: text, format: format, buttons: buttons)
            )
        } catch .http(_, 400, let description) where description.contains("message is not modified") {
            return
        }
    }

    package func answer(callback id: String, text: String? = nil) async throws(ProcessorError) {
        let _: TelegramAPI.Ignored = try await call("answerCallbackQuery", TelegramAPI.AnswerCallbackQuery(callbackQueryID: id, text: text))
    }

    /// Uploads an MP3 as an audio message, with its title and performer (what players show).
    package func sendAudio(chat: Int64, bytes: [UInt8], fileName: String, title: String, performer: String? = nil) async throws(ProcessorError) {
        var fields = [("chat_id", String(chat)), ("title", title)]
        if let performer, !performer.isEmpty { fields.append(("performer", performer)) }
        try await upload("sendAudio", fields: fields, file: ("audio", fileName, bytes))
    }

    /// Uploads an MP3 as a voice note (the Bot API plays OGG/OPUS, MP3 and M4A as voice).
    package func sendVoice(chat: Int64, bytes: [UInt8], fileName: String, caption: String? = nil) async throws(ProcessorError) {
        var fields = [("chat_id", String(chat))]
        if let caption { fields.append(("caption", String(caption.prefix(1_024)))) }
        try await upload("sendVoice", fields: fields, file: ("voice", fileName, bytes))
    }

    /// A `multipart/form-data` upload, as the Bot API wants files.
    private func upload(
        _ method: String,
        fields: [(String, String)],
        file: (field: String, name: String, bytes: [UInt8])
    ) async throws(ProcessorError) {
        let boundary = "ytv2-" + UUID().uuidString
        var body = ByteBuffer()
        do {
            try MultipartSerializer().serialize(parts: Self.formParts(fields: fields, file: file), boundary: boundary, into: &body)
        } catch {
            throw .invalidResponse(service: "Telegram \(method)", problem: "the upload could not be encoded: \(error)")
        }
        let reply = try await http.send(
            "\(baseURL)/bot\(token)/\(method)",
            method: .POST,
            service: "Telegram \(method)",
            body: body,
            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")]
        )
        guard reply.status == 200 else {
            throw Self.redacted(.http(service: "Telegram \(method)", status: reply.status, body: Self.description(of: reply)), token: token)
        }
    }

    /// The form's fields, then the file with its name and type.
    static func formParts(fields: [(String, String)], file: (field: String, name: String, bytes: [UInt8])) -> [MultipartPart] {
        // A quote would end the header's quoted file name early.
        let quotedName = file.name.replacingOccurrences(of: "\"", with: "'")
        return fields.map { name, value in MultipartPart(headers: ["Content-Disposition": "form-data; name=\"\(name)\""], body: value) } + [
            MultipartPart(
                headers: ["Content-Disposition": "form-data; name=\"\(file.field)\"; filename=\"\(quotedName)\"", "Content-Type": "audio/mpeg"],
                body: file.bytes
            )
        ]
    }

    static func message(chat: Int64, messageID: Int64?, text: String, format: Format, buttons: [[Button]]) -> TelegramAPI.SendMessage {
        TelegramAPI.SendMessage(
            chatID: chat,
            messageID: messageID,
            text: text,
            parseMode: format == .html ? "HTML" : nil,
            disableWebPagePreview: true,
            replyMarkup: TelegramAPI.InlineKeyboardMarkup(
                inlineKeyboard: buttons.map { row in row.map { TelegramAPI.InlineKeyboardButton(text: $0.text, callbackData: $0.data, url: $0.url) } }
            )
        )
    }

    /// Calls a method with a JSON body and decodes its `result`; the token never appears in errors.
    private func call<Request: Encodable, Result: Decodable>(_ method: String, _ request: Request) async throws(ProcessorError) -> Result {
        let body: [UInt8]
        do {
            body = Array(try TelegramAPI.encoder.encode(request))
        } catch {
            throw .invalidResponse(service: "Telegram \(method)", problem: "the request could not be encoded: \(error)")
        }
        var waits = 0
        while true {
            let reply: HTTPFetcher.Reply
            do {
                reply = try await http.send("\(baseURL)/bot\(token)/\(method)", method: .POST, service: "Telegram \(method)", json: body)
            } catch {
                throw Self.redacted(error, token: token)
            }
            if reply.status == 429, waits < 2, let wait = Self.retryAfter(reply), wait <= 30 {
                waits += 1
                do { try await Task.sleep(for: .seconds(wait)) } catch { throw .network(service: "Telegram \(method)", message: "cancelled") }
                continue
            }
            guard reply.status == 200 else {
                throw Self.redacted(.http(service: "Telegram \(method)", status: reply.status, body: Self.description(of: reply)), token: token)
            }
            let response: TelegramAPI.Response<Result>
            do {
                response = try TelegramAPI.decoder.decode(TelegramAPI.Response<Result>.self, from: Data(reply.body))
            } catch {
                throw .invalidResponse(service: "Telegram \(method)", problem: "the answer is not the Bot API's: \(error)")
            }
            guard response.ok, let result = response.result else {
                throw .invalidResponse(service: "Telegram \(method)", problem: response.description ?? "ok is not true")
            }
            return result
        }
    }

    /// The API's description of a refusal ("Bad Request: message is too long"), else the start of the body.
    static func description(of reply: HTTPFetcher.Reply) -> String {
        (try? TelegramAPI.decoder.decode(TelegramAPI.Failure.self, from: Data(reply.body)))?.description ?? String(reply.text.prefix(300))
    }

    /// `parameters.retry_after` of a 429 (flood control), else its `Retry-After` header.
    static func retryAfter(_ reply: HTTPFetcher.Reply) -> Int? {
        if let seconds = (try? TelegramAPI.decoder.decode(TelegramAPI.Failure.self, from: Data(reply.body)))?.parameters?.retryAfter {
            return seconds
        }
        return reply.retryAfter.map { Int($0.rounded(.up)) }
    }

    static func redacted(_ error: ProcessorError, token: String) -> ProcessorError {
        switch error {
        case .network(let service, let message): .network(service: service, message: message.replacingOccurrences(of: token, with: "<token>"))
        case .http(let service, let status, let body):
            .http(service: service, status: status, body: body.replacingOccurrences(of: token, with: "<token>"))
        default: error
        }
    }
}
