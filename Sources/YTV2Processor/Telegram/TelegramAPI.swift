import Foundation

/// The Bot API's JSON, as far as the bot uses it (https://core.telegram.org/bots/api). Field names are the API's,
/// in snake case on the wire.
enum TelegramAPI {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Every answer: `{"ok": true, "result": ...}`, or `{"ok": false, "error_code": 400, "description": "Bad Request: ..."}`
    /// (with HTTP status `error_code`).
    struct Response<Result: Decodable>: Decodable {
        let ok: Bool
        let result: Result?
        let description: String?
    }

    /// The error part of an answer, read whatever its `result` would have been.
    struct Failure: Decodable {
        let description: String?
        let parameters: Parameters?
        struct Parameters: Decodable { let retryAfter: Int? }
    }

    /// A `result` the bot does not read (`true`, or the edited message).
    struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    // MARK: Requests

    struct GetUpdates: Encodable {
        let offset: Int64
        let timeout: Int
        let allowedUpdates: [String]
    }

    struct SendMessage: Encodable {
        let chatID: Int64
        /// Set for `editMessageText`.
        let messageID: Int64?
        let text: String
        /// `HTML` for formatted text; nil for plain text.
        let parseMode: String?
        let disableWebPagePreview: Bool
        let replyMarkup: InlineKeyboardMarkup

        enum CodingKeys: String, CodingKey {
            case chatID = "chat_id"
            case messageID = "message_id"
            case text, parseMode, disableWebPagePreview, replyMarkup
        }
    }

    struct InlineKeyboardMarkup: Encodable {
        let inlineKeyboard: [[InlineKeyboardButton]]
    }

    /// A button with either callback data (at most 64 bytes) or a URL to open.
    struct InlineKeyboardButton: Encodable {
        let text: String
        let callbackData: String?
        let url: String?
    }

    struct AnswerCallbackQuery: Encodable {
        let callbackQueryID: String
        let text: String?

        enum CodingKeys: String, CodingKey {
            case callbackQueryID = "callback_query_id"
            case text
        }
    }

    // MARK: Answers

    struct SentMessage: Decodable {
        let messageID: Int64

        enum CodingKeys: String, CodingKey {
            case messageID = "messageId"
        }
    }

    /// One update. Its parts are read leniently: an update whose message or callback has a shape these types do not
    /// know is still an update (its id moves the offset on) rather than an error that would stop every later one.
    struct Update: Decodable {
        let updateID: Int64
        let message: Message?
        let callbackQuery: CallbackQuery?

        enum CodingKeys: String, CodingKey {
            case updateID = "updateId"
            case message, callbackQuery
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            updateID = try container.decode(Int64.self, forKey: .updateID)
            message = try? container.decodeIfPresent(Message.self, forKey: .message)
            callbackQuery = try? container.decodeIfPresent(CallbackQuery.self, forKey: .callbackQuery)
        }
    }

    struct Message: Decodable {
        let messageID: Int64
        let chat: Chat
        /// Absent in channel posts.
        let from: User?
        let text: String?

        enum CodingKeys: String, CodingKey {
            case messageID = "messageId"
            case chat, from, text
        }
    }

    struct Chat: Decodable {
        let id: Int64
    }

    struct User: Decodable {
        let id: Int64
    }

    struct CallbackQuery: Decodable {
        let id: String
        let from: User
        let message: Message?
        let data: String?
    }
}
