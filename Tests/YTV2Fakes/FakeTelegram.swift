import Foundation
import Hummingbird
import HummingbirdTesting
import MultipartKit
import NIOCore
import NIOHTTP1
import Synchronization
import YTV2Core

/// A local Telegram Bot API: `getUpdates` serves the updates the test pushes (long polling, briefly), the messages the
/// bot sends or edits are recorded per chat, and every call is refused the way the real API refuses it
/// (https://core.telegram.org/bots/api; the descriptions are the ones bots report, e.g. python-telegram-bot's and
/// aiogram's issue threads):
/// - a text over 4,096 characters after entity parsing: 400 "Bad Request: message is too long";
/// - an empty text: 400 "Bad Request: message text is empty";
/// - `parse_mode` HTML with a tag Telegram does not support, an unclosed or mismatched tag, or a bare `<`/`&`:
///   400 "Bad Request: can't parse entities: …"; MarkdownV2 with an unescaped reserved character: 400 "Bad Request:
///   can't parse entities: Character '.' is reserved and must be escaped with the preceding '\'"; Markdown with an
///   unclosed entity: 400 "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset N";
/// - callback data over 64 bytes: 400 "Bad Request: BUTTON_DATA_INVALID"; a link button whose host has no dot
///   (`localhost`) or whose scheme is not http(s): 400 "Bad Request: BUTTON_URL_INVALID" (rubenlagus/TelegramBots#302);
/// - an edit that changes nothing: 400 "Bad Request: message is not modified: specified new message content and reply
///   markup are exactly the same as a current content and reply markup of the message".
/// Every refusal is recorded, so a test can require that none happened.
package final class FakeTelegram: Sendable {
    package static let token = "123456:TEST-token"

    package init() {}

    package struct Button: Sendable, Equatable {
        package var text: String
        package var data: String
        package var url: String?
    }

    package struct Message: Sendable {
        package var chat: Int64
        package var id: Int64
        package var text: String
        /// `HTML`, `MarkdownV2`, `Markdown`, or nil.
        package var parseMode: String?
        package var buttons: [[Button]]
        /// The text as a reader sees it (tags removed, entities decoded).
        package var visible: String
    }

    package struct File: Sendable {
        package var chat: Int64
        package var method: String
        package var bytes: Int
        package var fileName: String?
        package var title: String?
        package var performer: String?
    }

    package struct State: Sendable {
        package var updates: [String] = []
        package var nextUpdate: Int64 = 1
        package var nextMessage: Int64 = 100
        package var messages: [Int64: Message] = [:]
        /// Sent messages in order (edits replace the text in `messages` only).
        package var sent: [Int64] = []
        package var files: [File] = []
        package var refusals: [String] = []
        /// Refuse every HTML text (as if Telegram's parser disagreed with ours), to exercise the plain fallback.
        package var refuseHTML = false
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
    package var audio: [File] { state.withLock { $0.files.filter { $0.method == "sendAudio" } } }
    package var voices: [File] { state.withLock { $0.files.filter { $0.method == "sendVoice" } } }
    package var refusals: [String] { state.withLock { $0.refusals } }
    package func refuseHTML(_ refuse: Bool) { state.withLock { $0.refuseHTML = refuse } }

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

    /// A refusal as the Bot API sends it, recorded.
    private func refuse(_ description: String, method: String) -> Response {
        state.withLock { $0.refusals.append("\(method): \(description)") }
        return Self.json(#"{"ok": false, "error_code": 400, "description": \#(JSONText.string(description))}"#, status: .badRequest)
    }

    package func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post(":bot/:method") { request, context -> Response in
            guard context.parameters.get("bot") == "bot" + Self.token else {
                return Self.json(#"{"ok": false, "error_code": 401, "description": "Unauthorized"}"#, status: .unauthorized)
            }
            let method = context.parameters.get("method") ?? ""
            if method == "sendAudio" || method == "sendVoice" {
                return try await self.file(request, method: method)
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
                return self.message(value, method: method)
            case "answerCallbackQuery":
                return Self.json(#"{"ok": true, "result": true}"#)
            default:
                return Self.json(#"{"ok": false, "error_code": 404, "description": "Not Found"}"#, status: .notFound)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    private func message(_ value: LooseValue, method: String) -> Response {
        guard case .number(let chat)? = value["chat_id"], let text = value["text"]?.stringValue else {
            return refuse("Bad Request: chat_id and text are required", method: method)
        }
        let parseMode = value["parse_mode"]?.stringValue
        if parseMode == "HTML", state.withLock({ $0.refuseHTML }) {
            return refuse("Bad Request: can't parse entities: Unsupported start tag \"b\" at byte offset 3", method: method)
        }
        let visible: String
        switch TelegramEntities.visibleText(text, parseMode: parseMode) {
        case .success(let text): visible = text
        case .failure(let problem): return refuse("Bad Request: can't parse entities: \(problem.text)", method: method)
        }
        if visible.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return refuse("Bad Request: message text is empty", method: method) }
        if visible.utf16.count > 4_096 { return refuse("Bad Request: message is too long", method: method) }
        var buttons: [[Button]] = []
        if case .array(let rows)? = value["reply_markup"]?["inline_keyboard"] {
            for row in rows {
                guard case .array(let items) = row else { continue }
                var parsed: [Button] = []
                for item in items {
                    let data = item["callback_data"]?.stringValue
                    let url = item["url"]?.stringValue
                    if let data, data.utf8.count > 64 || data.isEmpty { return refuse("Bad Request: BUTTON_DATA_INVALID", method: method) }
                    if let url {
                        guard let parsedURL = URL(string: url), ["http", "https"].contains(parsedURL.scheme ?? ""),
                            parsedURL.host?.contains(".") == true
                        else { return refuse("Bad Request: BUTTON_URL_INVALID", method: method) }
                    }
                    if data == nil && url == nil {
                        return refuse(
                            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                            method: method
                        )
                    }
                    parsed.append(Button(text: item["text"]?.stringValue ?? "", data: data ?? "", url: url))
                }
                buttons.append(parsed)
            }
        }
        enum Outcome {
            case stored(Int64)
            case refused(String)
        }
        let outcome: Outcome = state.withLock { state in
            var id = state.nextMessage
            if method == "editMessageText" {
                guard case .number(let existing)? = value["message_id"], let old = state.messages[Int64(existing)] else {
                    return .refused("Bad Request: message to edit not found")
                }
                id = Int64(existing)
                if old.text == text && old.buttons == buttons && old.parseMode == parseMode {
                    return .refused(
                        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
                    )
                }
            } else {
                state.nextMessage += 1
                state.sent.append(id)
            }
            state.messages[id] = Message(chat: Int64(chat), id: id, text: text, parseMode: parseMode, buttons: buttons, visible: visible)
            return .stored(id)
        }
        switch outcome {
        case .refused(let description): return refuse(description, method: method)
        case .stored(let id):
            return Self.json(#"{"ok": true, "result": {"message_id": \#(id), "chat": {"id": \#(Int64(chat))}, "date": 1700000000, "text": "ok"}}"#)
        }
    }

    /// `sendAudio` and `sendVoice`: a multipart form with chat_id and the file part (`audio` or `voice`) holding an MP3.
    private func file(_ request: Request, method: String) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 24)
        let contentType = request.headers[.contentType] ?? ""
        let field = method == "sendAudio" ? "audio" : "voice"
        guard let boundary = contentType.components(separatedBy: "boundary=").last, contentType.hasPrefix("multipart/form-data"),
            let parts = try? Self.parts(of: body, boundary: boundary),
            let chat = parts.firstPart(named: "chat_id").flatMap({ Int64(String(buffer: $0.body)) }),
            let file = parts.firstPart(named: field), MP3.looksLikeMP3(Array(file.body.readableBytesView))
        else {
            return refuse("Bad Request: chat_id and a \(field) file are required", method: method)
        }
        let disposition = file.headers.first(name: "Content-Disposition") ?? ""
        let fileName = disposition.components(separatedBy: "filename=\"").dropFirst().first?.components(separatedBy: "\"").first
        let title = parts.firstPart(named: "title").map { String(buffer: $0.body) }
        let performer = parts.firstPart(named: "performer").map { String(buffer: $0.body) }
        state.withLock {
            $0.files.append(File(chat: chat, method: method, bytes: file.body.readableBytes, fileName: fileName, title: title, performer: performer))
        }
        return Self.json(#"{"ok": true, "result": {"message_id": 1}}"#)
    }

    static func updateID(_ json: String) -> Int64 {
        if case .number(let number)? = LooseValue.parse(json)?["update_id"] { return Int64(number) }
        return 0
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// How the Bot API reads a formatted text: what a reader sees, or why it refuses it.
package enum TelegramEntities {
    package struct Problem: Error {
        package let text: String
    }

    /// The tags of Telegram's HTML mode.
    static let tags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote",
    ]

    package static func visibleText(_ text: String, parseMode: String?) -> Result<String, Problem> {
        switch parseMode {
        case "HTML": return html(text)
        case "MarkdownV2": return markdownV2(text)
        case "Markdown": return markdown(text)
        default: return .success(text)
        }
    }

    static func html(_ text: String) -> Result<String, Problem> {
        var visible = ""
        var open: [String] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                    return .failure(Problem(text: "Unclosed start tag at byte offset \(index)"))
                }
                let inner = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                let closing = inner.hasPrefix("/")
                let name = String((closing ? inner.dropFirst() : Substring(inner)).prefix { $0 != " " && $0 != "/" }).lowercased()
                guard tags.contains(name) else {
                    return .failure(Problem(text: "Unsupported \(closing ? "end" : "start") tag \"\(name)\" at byte offset \(index)"))
                }
                if closing {
                    guard let last = open.last else { return .failure(Problem(text: "Unexpected end tag at byte offset \(index)")) }
                    guard last == name else {
                        return .failure(Problem(text: "Unmatched end tag at byte offset \(index), expected \"</\(last)>\", found \"</\(name)>\""))
                    }
                    open.removeLast()
                } else {
                    open.append(name)
                }
                index = close + 1
            } else if byte == UInt8(ascii: "&") {
                guard let semicolon = bytes[index...].prefix(10).firstIndex(of: UInt8(ascii: ";")) else {
                    return .failure(Problem(text: "Character entity expected at byte offset \(index)"))
                }
                let name = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
                if let named = ["lt": "<", "gt": ">", "amp": "&", "quot": "\""][name] {
                    visible += named
                } else if name.hasPrefix("#"), let code = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : UInt32(name.dropFirst()),
                    let scalar = Unicode.Scalar(code)
                {
                    visible.unicodeScalars.append(scalar)
                } else {
                    return .failure(Problem(text: "Unsupported HTML entity \"&\(name);\" at byte offset \(index)"))
                }
                index = semicolon + 1
            } else if byte == UInt8(ascii: ">") {
                return .failure(Problem(text: "Unexpected \">\" at byte offset \(index)"))
            } else {
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&"), bytes[end] != UInt8(ascii: ">") {
                    end += 1
                }
                visible += String(decoding: bytes[index..<end], as: UTF8.self)
                index = end
            }
        }
        if let last = open.last { return .failure(Problem(text: "Can't find end tag corresponding to start tag \"\(last)\"")) }
        return .success(visible)
    }

    /// MarkdownV2: every reserved character outside an entity must be escaped; checked for the ones entities never use.
    static func markdownV2(_ text: String) -> Result<String, Problem> {
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
                continue
            }
            if character == "\\" {
                escaped = true
                continue
            }
            if ".!-+=#{}|>()".contains(character) {
                return .failure(Problem(text: "Character '\(character)' is reserved and must be escaped with the preceding '\\'"))
            }
        }
        return .success(text)
    }

    /// Legacy Markdown: `*`, `_`, `` ` `` and `[` open entities that must close.
    static func markdown(_ text: String) -> Result<String, Problem> {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            for (open, close) in [
                (UInt8(ascii: "*"), UInt8(ascii: "*")), (UInt8(ascii: "_"), UInt8(ascii: "_")), (UInt8(ascii: "`"), UInt8(ascii: "`")),
                (UInt8(ascii: "["), UInt8(ascii: "]")),
            ]
            where byte == open {
                guard let end = bytes[(index + 1)...].firstIndex(of: close) else {
                    return .failure(Problem(text: "Can't find end of the entity starting at byte offset \(index)"))
                }
                index = end
                break
            }
            index += 1
        }
        return .success(text.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "`", with: ""))
    }
}
