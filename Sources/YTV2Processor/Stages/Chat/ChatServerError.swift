import Foundation
import YTV2Core

/// An error body of a chat-completions server, read loosely: OpenAI and vLLM send
/// `{"error": {"message", "type", "param", "code"}}` (OpenAI's OpenAPI document, `ErrorResponse`), LM Studio sends
/// `{"error": "<text>"}` ("'response_format.type' must be 'json_schema' or 'text'", lmstudio-bug-tracker#189), others
/// `{"message": …}` or `{"detail": …}`.
struct ChatServerError: Sendable {
    var message: String
    var type: String?
    var code: String?
    var param: String?

    init(_ reply: HTTPFetcher.Reply) {
        let value = JSONValue.parse(reply.body)
        let error = value?["error"]
        message =
            error?.stringValue ?? error?["message"]?.stringValue ?? value?["message"]?.stringValue ?? value?["detail"]?.stringValue
            ?? String(reply.text.prefix(300))
        type = error?["type"]?.stringValue
        code = error?["code"]?.stringValue
        param = error?["param"]?.stringValue
    }

    /// Whether the error is about `name` (its `param`, or the parameter named in its text).
    func concerns(_ name: String) -> Bool {
        param == name || param?.hasPrefix(name + ".") == true || message.lowercased().contains(name)
    }

    /// OpenAI's "You exceeded your current quota" (429 with type and code `insufficient_quota`): no credit left.
    var isQuotaExhausted: Bool {
        code == "insufficient_quota" || type == "insufficient_quota" || message.lowercased().contains("exceeded your current quota")
    }
}
