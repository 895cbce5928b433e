import Foundation

/// Why a stage failed. `isRetryable` separates a flaky network (try again later) from a final answer.
package enum ProcessorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The service could not be reached, or timed out.
    case network(service: String, message: String)
    /// The service answered with an HTTP error.
    case http(service: String, status: Int, body: String)
    /// The service answered, but not with what its protocol promises.
    case invalidResponse(service: String, problem: String)
    /// The video has no captions in any accepted language: nothing to summarize.
    case noTranscript(String)
    /// The video is not available (private, removed, wrong id).
    case unavailable(String)

    package var isRetryable: Bool {
        switch self {
        case .network: true
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
        }
    }
}
