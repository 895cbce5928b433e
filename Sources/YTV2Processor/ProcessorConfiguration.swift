import Foundation

/// Where the processor's external services are, read from the environment (ARCHITECTURE.md, Configuration).
/// Every base URL is configurable so tests can point it at a local fake that speaks the same protocol.
public struct ProcessorConfiguration: Sendable, Equatable {
    public var llmBaseURL: String
    public var llmAPIKey: String?
    public var llmModel: String
    public var ttsBaseURL: String?
    public var ttsAPIKey: String?
    public var ttsVoice: String
    public var telegramBotToken: String?
    public var telegramAllowedUsers: Set<Int64>
    public var dashboardURL: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        llmBaseURL = environment["LLM_BASE_URL"] ?? "https://api.openai.com/v1"
        llmAPIKey = environment["LLM_API_KEY"]
        llmModel = environment["LLM_MODEL"] ?? "gpt-4o-mini"
        ttsBaseURL = environment["TTS_BASE_URL"]
        ttsAPIKey = environment["TTS_API_KEY"]
        ttsVoice = environment["TTS_VOICE"] ?? "alloy"
        telegramBotToken = environment["TELEGRAM_BOT_TOKEN"]
        telegramAllowedUsers = Set(
            (environment["TELEGRAM_ALLOWED_USERS"] ?? "").split(separator: ",").compactMap {
                Int64($0.trimmingCharacters(in: .whitespaces))
            })
        dashboardURL = environment["DASHBOARD_URL"] ?? "http://127.0.0.1:10000"
    }
}
