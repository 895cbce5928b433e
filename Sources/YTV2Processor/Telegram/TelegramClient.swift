import AsyncHTTPClient
import Foundation
import MultipartKit
import NIOCore
import NIOHTTP1
import YTV2Core

/// The parts of the Telegram Bot API the bot uses, over HTTPS (`{base}/bot<token>/<method>`), JSON in and out.
package struct TelegramClient: Sendable {
    package let baseURL: String
    let token: String
    package let http: HTTPFetcher

    package init(baseURL: String = "https://api.telegram.org", token: String, http: HTTPFetcher) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// An inline keyboard button: its label and the callback data (at most 64 bytes, Telegram's limit).
    package struct Button: Sendable, Equatable {
        package var text: String
        package var data: String
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
    package func send(chat: Int64, text: String, buttons: [[Button]] = []) async throws(ProcessorError) -> Int64 {
        let sent: TelegramAPI.SentMessage = try await call("sendMessage", Self.message(chat: chat, messageID: nil, text: text, buttons: buttons))
        return sent.messageID
    }

    package func edit(chat: Int64, message: Int64, text: String, buttons: [[Button]] = []) async throws(ProcessorError) {
        let _: TelegramAPI.Ignored = try await call("editMessageText", Self.message(chat: chat, messageID: message, text: text, buttons: buttons))
    }

    package func answer(callback id: String, text: String? = nil) async throws(ProcessorError) {
        let _: TelegramAPI.Ignored = try await call("answerCallbackQuery", TelegramAPI.AnswerCallbackQuery(callbackQueryID: id, text: text))
    }

    /// Uploads an MP3 as an audio message: `multipart/form-data`, as the Bot API wants files.
    package func sendAudio(chat: Int64, bytes: [UInt8], fileName: String, title: String) async throws(ProcessorError) {
        let boundary = "ytv2-" + UUID().uuidString
        var body = ByteBuffer()
        do {
            try MultipartSerializer().serialize(
                parts: Self.audioParts(chat: chat, bytes: bytes, fileName: fileName, title: title),
                boundary: boundary,
                into: &body
            )
        } catch {
            throw .invalidResponse(service: "Telegram sendAudio", problem: "the upload could not be encoded: \(error)")
        }
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token)/sendAudio")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(body)
        do {
            let response = try await http.client.execute(request, timeout: http.timeout)
            let reply = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 200 else {
                throw ProcessorError.http(service: "Telegram", status: Int(response.status.code), body: String(buffer: reply))
            }
        } catch let error as ProcessorError {
            throw Self.redacted(error, token: token)
        } catch {
            throw Self.redacted(.network(service: "Telegram", message: String(describing: error)), token: token)
        }
    }

    /// The fields of `sendAudio`: the chat, the title, and the file with its name and type.
    static func audioParts(chat: Int64, bytes: [UInt8], fileName: String, title: String) -> [MultipartPart] {
        // A quote would end the header's quoted file name early.
        let quotedName = fileName.replacingOccurrences(of: "\"", with: "'")
        return [
            MultipartPart(headers: ["Content-Disposition": "form-data; name=\"chat_id\""], body: String(chat)),
            MultipartPart(headers: ["Content-Disposition": "form-data; name=\"title\""], body: title),
            MultipartPart(
                headers: [
                    "Content-Disposition": "form-data; name=\"audio\"; filename=\"\(quotedName)\"",
                    "Content-Type": "audio/mpeg",
                ],
                body: bytes
            ),
        ]
    }

    static func message(chat: Int64, messageID: Int64?, text: String, buttons: [[Button]]) -> TelegramAPI.SendMessage {
        TelegramAPI.SendMessage(
            chatID: chat,
            messageID: messageID,
            text: text,
            disableWebPagePreview: true,
            replyMarkup: TelegramAPI.InlineKeyboardMarkup(
                inlineKeyboard: buttons.map { row in row.map { TelegramAPI.InlineKeyboardButton(text: $0.text, callbackData: $0.data) } }
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
        let bytes: [UInt8]
        do {
            bytes = try await http.postJSON("\(baseURL)/bot\(token)/\(method)", service: "Telegram \(method)", body: body)
        } catch {
            throw Self.redacted(error, token: token)
        }
        let response: TelegramAPI.Response<Result>
        do {
            response = try TelegramAPI.decoder.decode(TelegramAPI.Response<Result>.self, from: Data(bytes))
        } catch {
            throw .invalidResponse(service: "Telegram \(method)", problem: "the answer is not the Bot API's: \(error)")
        }
        guard response.ok, let result = response.result else {
            throw .invalidResponse(service: "Telegram \(method)", problem: response.description ?? "ok is not true")
        }
        return result
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
