import Foundation

/// A caption track a player answer lists: its URL, language, whether YouTube's speech recognition made it, and the
/// client whose answer listed it (its URL is fetched with that client's user agent).
package struct CaptionTrack: Sendable, Equatable {
    package var url: String
    package var language: String
    package var automatic: Bool
    package var client: String
    /// The user agent of that client, sent with the caption request.
    package var userAgent: String

    package init(url: String, language: String, automatic: Bool, client: InnertubeClient = .web) {
        self.url = url
        self.language = language
        self.automatic = automatic
        self.client = client.description
        self.userAgent = client.userAgent
    }

    /// `en-GB` → `en`.
    package var baseLanguage: String { Self.base(language) }

    static func base(_ code: String) -> String { code.split(separator: "-").first.map { $0.lowercased() } ?? code.lowercased() }

    /// Whether the URL carries YouTube's `exp=` gate: such a URL answers an empty body without a proof-of-origin token
    /// (youtube-transcript-api refuses `&exp=xpe` URLs for this reason).
    package var gated: Bool { CaptionURL.queryItems(of: url).contains { $0.name == "exp" } }
}

/// Which track a transcript is read from. The video's own language comes first: the automatic (speech-recognition)
/// track is made from the audio, so its language is the one spoken, and a manual track in another language is a
/// translation. Within one language a manual track comes before the automatic one. Without an automatic track the
/// preferred languages decide, in their order, then whatever is left.
package enum CaptionChoice {
    /// The spoken language: that of the first automatic track.
    package static func originalLanguage(of tracks: [CaptionTrack]) -> String? {
        tracks.first(where: \.automatic)?.baseLanguage
    }

    /// Every track, best first.
    package static func ranked(_ tracks: [CaptionTrack], preferred: [String]) -> [CaptionTrack] {
        let original = originalLanguage(of: tracks)
        let preferred = preferred.map(CaptionTrack.base)
        func rank(_ track: CaptionTrack, _ position: Int) -> [Int] {
            let language = track.baseLanguage
            let group: Int
            if language == original {
                group = 0
            } else if let index = preferred.firstIndex(of: language) {
                group = 1 + index
            } else {
                group = 1 + preferred.count
            }
            // An exact code (`en`) before a regional one (`en-GB`) of the same language.
            return [group, track.automatic ? 1 : 0, track.language.count, position]
        }
        return tracks.enumerated().sorted { rank($0.element, $0.offset).lexicographicallyPrecedes(rank($1.element, $1.offset)) }.map(\.element)
    }
}

/// Caption URLs as the processor fetches them.
enum CaptionURL {
    /// The URL with its `fmt` replaced by `json3` (YouTube ignores all but one; the mobile answers carry `fmt=srv3`),
    /// and pointed at `baseURL`'s scheme and host when it points at YouTube, so a proxy or a local server can answer.
    static func resolved(_ url: String, baseURL: String) -> String {
        var url = url
        if let base = URL(string: baseURL), let scheme = base.scheme, let host = base.host,
            let target = URL(string: url), let targetHost = target.host?.lowercased(),
            ["youtube.com", "www.youtube.com", "m.youtube.com"].contains(targetHost), let schemeEnd = url.range(of: "://")
        {
            let afterHost = url[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? url.endIndex
            url = "\(scheme)://\(host)\(base.port.map { ":\($0)" } ?? "")" + url[afterHost...]
        }
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let kept = parts.count > 1 ? parts[1].split(separator: "&").filter { !$0.hasPrefix("fmt=") }.map(String.init) : []
        return String(parts[0]) + "?" + (kept + ["fmt=json3"]).joined(separator: "&")
    }

    /// The query's items, undecoded (enough to look for a name).
    static func queryItems(of url: String) -> [(name: String, value: String)] {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return query.split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
        }
    }
}
