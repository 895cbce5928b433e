import Foundation

extension VideoID {
    /// The id in a YouTube URL (`watch?v=`, `youtu.be/`, `/shorts/`, `/live/`, `/embed/`, `/v/`, on `www.`, `m.` and
    /// `music.` hosts, with any extra query parameters) or a bare id; case preserved. Anything else is ``VideoIDError``.
    package init(url text: String) throws(VideoIDError) {
        let trimmed = text.trimmingASCIIWhitespace
        if Self.isValid(trimmed) {
            try self.init(trimmed)
            return
        }
        guard let id = Self.id(inURL: trimmed) else { throw VideoIDError(input: text) }
        try self.init(id)
    }

    /// The id in a YouTube URL, or nil.
    static func id(inURL text: String) -> String? {
        var candidate = text
        if !candidate.contains("://") { candidate = "https://" + candidate }
        guard let components = URLComponents(string: candidate), let host = components.host?.lowercased() else { return nil }
        let youtubeHosts = [
            "youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com",
        ]
        let pathParts = components.path.split(separator: "/").map(String.init)
        if host == "youtu.be" || host == "www.youtu.be" {
            return pathParts.first.flatMap { isValid($0) ? $0 : nil }
        }
        guard youtubeHosts.contains(host) else { return nil }
        if pathParts.first == "watch" || pathParts.isEmpty {
            let value = components.queryItems?.first { $0.name == "v" }?.value
            return value.flatMap { isValid($0) ? $0 : nil }
        }
        if pathParts.count >= 2, ["shorts", "live", "embed", "v", "e"].contains(pathParts[0]) {
            return isValid(pathParts[1]) ? pathParts[1] : nil
        }
        return nil
    }
}
