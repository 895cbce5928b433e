import Foundation

/// Why a stage failed. `isRetryable` separates a passing condition (a flaky network, a rate limit: try again later)
/// from a final answer; every final answer says what the user can do about it.
package enum ProcessorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The service could not be reached, or timed out.
    case network(service: String, message: String)
    /// The service answered with an HTTP error.
    case http(service: String, status: Int, body: String)
    /// The service answered, but not with what its protocol promises.
    case invalidResponse(service: String, problem: String)
    /// The video has no captions in any accepted language: nothing to summarize.
    case noTranscript(String)
    /// The video is not available (private, removed, wrong id) or YouTube will not serve it here; see ``YouTubeWall``.
    case unavailable(String)
    /// YouTube refused the video with a reason of its own (bot check, age gate, private, removed, live not started).
    case wall(YouTubeWall)
    /// The service asked to slow down (HTTP 429); `retryAfter` is the seconds it asked for, when it said.
    case rateLimited(service: String, retryAfter: Double?, message: String)
    /// The account behind the API key has no credit left: retrying cannot help until someone pays.
    case quotaExhausted(service: String, message: String)
    /// The model refused to answer (an OpenAI `refusal`).
    case refused(service: String, message: String)
    /// The answer was cut by the model's output limit, even after asking it to continue.
    case cutShort(service: String, detail: String)
    /// The server dropped part of the input to fit its context window, so the answer is not about the whole text.
    case inputTruncated(service: String, detail: String)

    package var isRetryable: Bool {
        switch self {
        case .network, .rateLimited: true
        case .http(_, let status, _): status == 429 || status >= 500
        default: false
        }
    }

    package var description: String {
        switch self {
        case .network(let service, let message): "\(service) unreachable: \(message)"
        case .http(let service, let status, let body): "\(service) answered HTTP \(status): \(body.prefix(200))"
        case .invalidResponse(let service, let problem): "\(service) sent an invalid response: \(problem)"
        case .noTranscript(let detail): "no transcript: \(detail)"
        case .unavailable(let detail): "video unavailable: \(detail)"
        case .wall(let wall): wall.description
        case .rateLimited(let service, let retryAfter, let message):
            "\(service) is rate-limiting this client\(retryAfter.map { " (it asked to wait \(Int($0.rounded(.up))) s)" } ?? ""): \(message.prefix(200))"
        case .quotaExhausted(let service, let message):
            "\(service) says the account has no quota left (\(message.prefix(160))): add credit or use another key; not retried"
        case .refused(let service, let message): "\(service): the model refused to answer: \(message.prefix(200))"
        case .cutShort(let service, let detail): "\(service): the answer was cut short: \(detail)"
        case .inputTruncated(let service, let detail): "\(service) truncated the input: \(detail)"
        }
    }
}
