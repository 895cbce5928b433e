import Foundation

/// A refusal of YouTube's with its own reason and its own remedy. YouTube reports these in the player answer's
/// `playabilityStatus` (`status` and `reason`; shapes from youtube-transcript-api's recorded innertube answers:
/// `youtube_request_blocked`, `youtube_age_restricted`, `youtube_video_unavailable`), or by answering the watch page
/// with its consent interstitial or its captcha page. None is worth a retry except the captcha (too many requests).
package enum YouTubeWall: Sendable, Equatable, CustomStringConvertible {
    /// "Sign in to confirm you're not a bot": YouTube has flagged this server's IP address.
    case botCheck(reason: String)
    /// "This video may be inappropriate for some users." and other sign-in-to-confirm-your-age reasons.
    case ageRestricted(reason: String)
    /// A private video.
    case privateVideo(reason: String)
    /// Removed, deleted, or never existed ("This video is unavailable").
    case removed(reason: String)
    /// A live stream or premiere that has not started ("LIVE_STREAM_OFFLINE").
    case liveNotStarted(reason: String)
    /// Any other refusal: the status and reason as YouTube gave them.
    case unplayable(status: String, reason: String)
    /// The EU consent interstitial came back although the consent cookie was sent.
    case consent
    /// The player endpoint refused every configured client (HTTP 400, "Precondition check failed"): the client versions
    /// are out of date.
    case clientsRejected(clients: [String], answer: String)
    /// Every caption URL answered an empty body: YouTube wants a proof-of-origin token for them.
    case captionsGated

    /// Reads a non-OK `playabilityStatus`. Reasons are matched loosely: YouTube writes the bot check with a typographic
    /// apostrophe, and localizes reasons when `hl` is not English.
    package static func classify(status: String, reason: String?, subreason: String? = nil) -> YouTubeWall {
        let reason = reason ?? ""
        let lowered = (reason + " " + (subreason ?? "")).lowercased()
        switch status {
        case "LOGIN_REQUIRED":
            if lowered.contains("not a bot") { return .botCheck(reason: reason) }
            if lowered.contains("private") { return .privateVideo(reason: reason) }
            if lowered.contains("inappropriate") || lowered.contains("age") { return .ageRestricted(reason: reason) }
            return .unplayable(status: status, reason: reason)
        case "AGE_CHECK_REQUIRED", "AGE_VERIFICATION_REQUIRED", "CONTENT_CHECK_REQUIRED":
            return .ageRestricted(reason: reason)
        case "LIVE_STREAM_OFFLINE":
            return .liveNotStarted(reason: reason)
        case "ERROR":
            if lowered.contains("private") { return .privateVideo(reason: reason) }
            return .removed(reason: reason)
        default:
            if lowered.contains("private") { return .privateVideo(reason: reason) }
            return .unplayable(status: status, reason: reason)
        }
    }

    package var description: String {
        switch self {
        case .botCheck(let reason):
            "YouTube blocks this server (\"\(reason)\"): its IP address is flagged as a bot. Install yt-dlp and give it "
                + "browser cookies (YTDLP_COOKIES), or run the processor from another network"
        case .ageRestricted(let reason):
            "the video is age-restricted (\"\(reason)\"): YouTube serves it only to a signed-in adult; use yt-dlp with the "
                + "cookies of such an account (YTDLP_COOKIES)"
        case .privateVideo(let reason):
            "the video is private (\"\(reason)\"): only its owner and the people they invited can see it"
        case .removed(let reason):
            "the video is unavailable (\"\(reason)\"): it was removed or the id is wrong"
        case .liveNotStarted(let reason):
            "the live stream or premiere has not started yet (\"\(reason)\"): try again after it has aired"
        case .unplayable(let status, let reason):
            "YouTube will not play the video here (\(status)\(reason.isEmpty ? "" : ": \"\(reason)\""))"
        case .consent:
            "YouTube answered its cookie-consent page although the consent cookie was sent"
        case .clientsRejected(let clients, let answer):
            "YouTube's player endpoint refused every configured client (\(clients.joined(separator: ", "))): \(answer.prefix(120)); "
                + "the client versions are out of date: set YOUTUBE_CLIENTS to current ones (docs/operations.md)"
        case .captionsGated:
            "YouTube answered every caption track with an empty body (it wants a proof-of-origin token); install a current "
                + "yt-dlp (pip install -U yt-dlp) so the processor can fall back to it"
        }
    }
}
