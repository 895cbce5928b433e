import AsyncHTTPClient
import Foundation
import NIOCore
import YTV2Core

/// The parts of the Telegram Bot API the bot uses, over HTTPS (`{base}/bot<token>/<method>`), JSON in and out.
public struct TelegramClient: Sendable {
    public let baseURL: String
    let token: String
    public let http: HTTPFetcher

    public init(baseURL: String = "https://api.telegram.org", token: String, http: HTTPFetcher) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// An inline keyboard button: its label and the callback data (at most 64 bytes, Telegram's limit).
    public struct Button: Sendable, Equatable {
        public var text: String
        public var data: String
    }

    public struct Update: Sendable {
        public var id: Int64
        public var chatID: Int64
        public var userID: Int64
        public var messageID: Int64?
        public var text: String?
        /// Set for a button press: the callback id (to answer) and its data.
        public var callbackID: String?
        public var callbackData: String?
    }

    /// Long polling: waits up to `timeout` seconds for updates after `offset`.
    public func updates(offset: Int64, timeout: Int) async throws(ProcessorError) -> [Update] {
        let body = #"{"offset": \#(offset), "timeout": \#(timeout), "allowed_updates": ["message", "callback_query"]}"#
        let value = try await call("getUpdates", body: body)
        guard case .array(let items) = value else { return [] }
        return items.compactMap(Self.update)
    }

    static func update(_ item: LooseValue) -> Update? {
        guard case .number(let id)? = item["update_id"] else { return nil }
        if let message = item["message"], case .number(let chat)? = message["chat"]?["id"], case .number(let user)? = message["from"]?["id"] {
            var messageID: Int64?
            if case .number(let number)? = message["message_id"] { messageID = Int64(number) }
            return Update(id: Int64(id), chatID: Int64(chat), userID: Int64(user), messageID: messageID, text: message["text"]?.stringValue)
        }
        if let query = item["callback_query"], case .number(let user)? = query["from"]?["id"],
            case .number(let chat)? = query["message"]?["chat"]?["id"]
        {
            var messageID: Int64?
            if case .number(let number)? = query["message"]?["message_id"] { messageID = Int64(number) }
            return Update(
                id: Int64(id),
                chatID: Int64(chat),
                userID: Int64(user),
                messageID: messageID,
                text: nil,
                callbackID: query["id"]?.stringValue,
                callbackData: query["data"]?.stringValue
            )
        }
        return Update(id: Int64(id), chatID: 0, userID: 0, messageID: nil, text: nil)
    }

    /// Sends a message; returns its id.
    @discardableResult
    public func send(chat: Int64, text: String, buttons: [[Button]] = []) async throws(ProcessorError) -> Int64 {
        let value = try await call("sendMessage", body: Self.messageBody(chat: chat, messageID: nil, text: text, buttons: buttons))
        guard case .number(let id)? = value["message_id"] else {
            throw .invalidResponse(service: "Telegram", problem: "sendMessage returned no message_id")
        }
        return Int64(id)
    }

    public func edit(chat: Int64, message: Int64, text: String, buttons: [[Button]] = []) async throws(ProcessorError) {
        _ = try await call("editMessageText", body: Self.messageBody(chat: chat, messageID: message, text: text, buttons: buttons))
    }

    public func answer(callback id: String, text: String? = nil) async throws(ProcessorError) {
        var json = JSONObjectWriter()
        json.add("callback_query_id", id)
        json.add("text", text)
        _ = try await call("answerCallbackQuery", body: json.finished())
    }

    /// Uploads an MP3 as an audio message (multipart/form-data, as the Bot API wants files).
    public func sendAudio(chat: Int64, bytes: [UInt8], fileName: String, title: String) async throws(ProcessorError) {
        let boundary = "ytv2-" + UUID().uuidString
        var body: [UInt8] = []
        func field(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("chat_id", String(chat))
        field("title", title)
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"\(fileName)\"\r\nContent-Type: audio/mpeg\r\n\r\n".utf8
        )
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token)/sendAudio")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.client.execute(request, timeout: http.timeout)
            let reply = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 200 else {
                throw ProcessorError.http(service: "Telegram", status: Int(response.status.code), body: String(buffer: reply))
            }
        } catch let error as ProcessorError {
            throw error
        } catch {
            throw .network(service: "Telegram", message: String(describing: error))
        }
    }

    static func messageBody(chat: Int64, messageID: Int64?, text: String, buttons: [[Button]]) -> String {
        var json = JSONObjectWriter()
        json.add("chat_id", Int(chat))
        if let messageID { json.add("message_id", Int(messageID)) }
        json.add("text", text)
        json.add("disable_web_page_preview", true)
        let keyboard = buttons.map { row in
            "[" + row.map { "{\"text\":" + JSONText.string($0.text) + ",\"callback_data\":" + JSONText.string($0.data) + "}" }.joined(separator: ",")
                + "]"
        }
        json.addRaw("reply_markup", "{\"inline_keyboard\":[" + keyboard.joined(separator: ",") + "]}")
        return json.finished()
    }

    /// Calls a method; the token never appears in errors.
    private func call(_ method: String, body: String) async throws(ProcessorError) -> LooseValue {
        let bytes: [UInt8]
        do {
            bytes = try await http.postJSON("\(baseURL)/bot\(token)/\(method)", service: "Telegram \(method)", body: Array(body.utf8))
        } catch {
            throw Self.redacted(error, token: token)
        }
        guard let value = LooseValue.parse(String(decoding: bytes, as: UTF8.self)), value["ok"] == .bool(true) else {
            throw .invalidResponse(service: "Telegram \(method)", problem: "ok is not true")
        }
        return value["result"] ?? .null
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
