import Foundation
import Hummingbird
import HummingbirdTesting
import MultipartKit
import NIOCore
import NIOHTTP1
import Synchronization
import YTV2Core

/// A local Telegram Bot API: `getUpdates` serves the updates the test pushes (long polling, briefly), and the
/// messages the bot sends or edits are recorded per chat.
package final class FakeTelegram: Sendable {
    package static let token = "123456:TEST-token"

    package init() {}

    package struct Message: Sendable {
        package var chat: Int64
        package var id: Int64
        package var text: String
        package var buttons: [[(text: String, data: String)]]
    }

    package struct State: Sendable {
        package var updates: [String] = []
        package var nextUpdate: Int64 = 1
        package var nextMessage: Int64 = 100
        package var messages: [Int64: Message] = [:]
        package var audio: [(chat: Int64, bytes: Int, fileName: String?)] = []
    }

    package let state = Mutex(State())

    package func pushMessage(chat: Int64, user: Int64, text: String) {
        state.withLock { state in
            let json =
                #"{"update_id": \#(state.nextUpdate), "message": {"message_id": \#(state.nextMessage), "from": {"id": \#(user), "is_bot": false, "first_name": "U"}, "chat": {"id": \#(chat), "type": "private"}, "date": 1700000000, "text": \#(JSONText.string(text))}}"#
            state.nextUpdate += 1
            state.nextMessage += 1
            state.updates.append(json)
        }
    }

    package func pushCallback(chat: Int64, user: Int64, message: Int64, data: String) {
        state.withLock { state in
            let json =
                #"{"update_id": \#(state.nextUpdate), "callback_query": {"id": "cb\#(state.nextUpdate)", "from": {"id": \#(user), "is_bot": false, "first_name": "U"}, "message": {"message_id": \#(message), "chat": {"id": \#(chat), "type": "private"}, "date": 1700000000, "text": "x"}, "data": \#(JSONText.string(data))}}"#
            state.nextUpdate += 1
            state.updates.append(json)
        }
    }

    package func messages(chat: Int64) -> [Message] { state.withLock { $0.messages.values.filter { $0.chat == chat }.sorted { $0.id < $1.id } } }
    package var audio: [(chat: Int64, bytes: Int, fileName: String?)] { state.withLock { $0.audio } }

    /// Waits until a message of `chat` satisfies `condition`.
    package func waitForMessage(chat: Int64, timeout: Duration = .seconds(20), _ condition: (Message) -> Bool) async throws -> Message? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = messages(chat: chat).last(where: condition) { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The parts of a multipart body, with their headers (a file part's name is in its Content-Disposition).
    static func parts(of body: ByteBuffer, boundary: String) throws -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var partBody = ByteBuffer()
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { partBody.writeBuffer(&$0) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: partBody))
            headers = HTTPHeaders()
            partBody = ByteBuffer()
        }
        try parser.execute(body)
        return parts
    }

    package func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post(":bot/:method") { request, context -> Response in
            guard context.parameters.get("bot") == "bot" + Self.token else {
                return Self.json(#"{"ok": false, "error_code": 401}"#, status: .unauthorized)
            }
            let method = context.parameters.get("method") ?? ""
            if method == "sendAudio" {
                // Read as the Bot API does: a multipart form with chat_id and an audio file part holding an MP3.
                let body = try await request.body.collect(upTo: 1 << 24)
                let contentType = request.headers[.contentType] ?? ""
                guard let boundary = contentType.components(separatedBy: "boundary=").last, contentType.hasPrefix("multipart/form-data"),
                    let parts = try? Self.parts(of: body, boundary: boundary),
                    let chat = parts.firstPart(named: "chat_id").flatMap({ Int64(String(buffer: $0.body)) }),
                    let audio = parts.firstPart(named: "audio"), MP3.looksLikeMP3(Array(audio.body.readableBytesView))
                else {
                    return Self.json(#"{"ok": false, "description": "Bad Request: chat_id and an audio file are required"}"#, status: .badRequest)
                }
                let disposition = audio.headers.first(name: "Content-Disposition") ?? ""
                let fileName = disposition.components(separatedBy: "filename=\"").dropFirst().first?.components(separatedBy: "\"").first
                self.state.withLock { $0.audio.append((chat, audio.body.readableBytes, fileName)) }
                return Self.json(#"{"ok": true, "result": {"message_id": 1}}"#)
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            let value = LooseValue.parse(String(buffer: body)) ?? .null
            switch method {
            case "getUpdates":
                var offset: Int64 = 0
                if case .number(let number)? = value["offset"] { offset = Int64(number) }
                for _ in 0..<10 {
                    let pending = self.state.withLock { state in state.updates.filter { Self.updateID($0) >= offset } }
                    if !pending.isEmpty { return Self.json(#"{"ok": true, "result": [\#(pending.joined(separator: ","))]}"#) }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return Self.json(#"{"ok": true, "result": []}"#)
            case "sendMessage", "editMessageText":
                guard case .number(let chat)? = value["chat_id"], let text = value["text"]?.stringValue else {
                    return Self.json(#"{"ok": false, "description": "Bad Request: chat_id and text are required"}"#, status: .badRequest)
                }
                var buttons: [[(text: String, data: String)]] = []
                if case .array(let rows)? = value["reply_markup"]?["inline_keyboard"] {
                    for row in rows {
                        guard case .array(let items) = row else { continue }
                        buttons.append(items.map { ($0["text"]?.stringValue ?? "", $0["callback_data"]?.stringValue ?? "") })
                    }
                }
                for row in buttons {
                    for button in row where button.data.utf8.count > 64 {
                        return Self.json(#"{"ok": false, "description": "BUTTON_DATA_INVALID"}"#, status: .badRequest)
                    }
                }
                let id: Int64 = self.state.withLock { state in
                    var id = state.nextMessage
                    if method == "editMessageText", case .number(let existing)? = value["message_id"] {
                        id = Int64(existing)
                    } else {
                        state.nextMessage += 1
                    }
                    state.messages[id] = Message(chat: Int64(chat), id: id, text: text, buttons: buttons)
                    return id
                }
                return Self.json(#"{"ok": true, "result": {"message_id": \#(id), "chat": {"id": \#(Int64(chat))}, "text": "ok"}}"#)
            case "answerCallbackQuery":
                return Self.json(#"{"ok": true, "result": true}"#)
            default:
                return Self.json(#"{"ok": false, "description": "Not Found"}"#, status: .notFound)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    static func updateID(_ json: String) -> Int64 {
        if case .number(let number)? = LooseValue.parse(json)?["update_id"] { return Int64(number) }
        return 0
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
