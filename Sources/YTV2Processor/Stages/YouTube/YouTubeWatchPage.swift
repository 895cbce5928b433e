import Foundation
import YTV2Core

/// What the watch page of a video says about it: the `ytInitialPlayerResponse` JSON embedded in the HTML (the WEB
/// client's player answer: the publish date, which mobile answers lack), or which of YouTube's walls it is instead.
struct YouTubeWatchPage: Sendable {
    enum Content: Sendable {
        case player(PlayerResponse)
        /// The EU cookie-consent interstitial (a form posting to consent.youtube.com).
        case consent
        /// The "unusual traffic" captcha page YouTube shows a network that sent too many requests.
        case captcha
    }

    let content: Content
    /// `<meta itemprop="datePublished" content="…">`, present even when the player JSON has no microformat.
    let datePublished: String?

    init(html: String) throws(ProcessorError) {
        datePublished = Self.metaContent(html, itemprop: "datePublished")
        if html.contains("action=\"https://consent.youtube.com/s\"") || html.contains("action=\"https://consent.youtube.com/save\"") {
            content = .consent
        } else if html.contains("class=\"g-recaptcha\"") {
            content = .captcha
        } else {
            content = .player(try Self.playerResponse(html))
        }
    }

    var player: PlayerResponse? {
        if case .player(let player) = content { return player }
        return nil
    }

    /// Finds `ytInitialPlayerResponse = {...};` and parses the object (braces counted outside string literals).
    static func playerResponse(_ html: String) throws(ProcessorError) -> PlayerResponse {
        guard let marker = html.range(of: "ytInitialPlayerResponse") else {
            throw .invalidResponse(service: "YouTube watch page", problem: "no ytInitialPlayerResponse in the page")
        }
        let bytes = Array(html.utf8[marker.upperBound...])
        guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else {
            throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse has no object")
        }
        var depth = 0
        var inString = false
        var escaped = false
        var end: Int?
        for index in start..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    end = index
                    break
                }
            }
        }
        guard let end else { throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse is cut short") }
        do {
            return try JSONDecoder().decode(PlayerResponse.self, from: Data(bytes[start...end]))
        } catch {
            throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse is not the JSON expected: \(error)")
        }
    }

    static func metaContent(_ html: String, itemprop: String) -> String? {
        guard let tag = html.range(of: "itemprop=\"\(itemprop)\" content=\"") else { return nil }
        let rest = html[tag.upperBound...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        let value = String(rest[..<close])
        return value.isEmpty ? nil : value
    }
}
