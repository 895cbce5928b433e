import Foundation
import YTV2Core

/// What the watch page of a video says about it: the `ytInitialPlayerResponse` JSON embedded in the HTML.
struct YouTubeWatchPage: Sendable {
    let playerResponse: LooseValue

    /// Finds `ytInitialPlayerResponse = {...};` and parses the object (braces counted outside string literals).
    init(html: String) throws(ProcessorError) {
        guard let marker = html.range(of: "ytInitialPlayerResponse") else {
            throw .invalidResponse(service: "YouTube watch page", problem: "no ytInitialPlayerResponse in the page")
        }
        let scalars = Array(html[marker.upperBound...].unicodeScalars)
        guard let start = scalars.firstIndex(of: "{") else {
            throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse has no object")
        }
        var depth = 0
        var inString = false
        var escaped = false
        var end: Int?
        for index in start..<scalars.count {
            let c = scalars[index]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            if c == "\"" {
                inString = true
            } else if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 {
                    end = index
                    break
                }
            }
        }
        guard let end else { throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse is cut short") }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start...end])
        guard let value = LooseValue.parse(String(text)) else {
            throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse is not JSON")
        }
        playerResponse = value
    }

    var playability: String? { playerResponse["playabilityStatus"]?["status"]?.stringValue }
    var details: LooseValue { playerResponse["videoDetails"] ?? .null }
    var microformat: LooseValue { playerResponse["microformat"]?["playerMicroformatRenderer"] ?? .null }

    /// Caption tracks: (base URL, language code, automatic).
    var captionTracks: [(url: String, language: String, automatic: Bool)] {
        guard case .array(let tracks) = playerResponse["captions"]?["playerCaptionsTracklistRenderer"]?["captionTracks"] ?? .null else { return [] }
        return tracks.compactMap { track in
            guard let url = track["baseUrl"]?.stringValue, let language = track["languageCode"]?.stringValue else { return nil }
            return (url, language, track["kind"]?.stringValue == "asr")
        }
    }
}
