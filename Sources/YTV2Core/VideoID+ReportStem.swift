extension VideoID {
    /// The ids a legacy report file's stem may hold, most likely first. The legacy processor named its reports
    /// `<video_id>_<YYYYMMDD_HHMMSS>.json` or `<title slug>_<video_id>.json` (`_1` for a second copy) and used the stem
    /// as the report's id, also to delete it. `.json` is dropped first. A slug's last 11 characters can look like an id
    /// by chance, so callers accept a candidate only when such a video is stored (or another source confirms it).
    package static func candidates(inReportStem name: String) -> [VideoID] {
        let stem = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
        var result: [VideoID] = []
        // `<id>_<YYYYMMDD>_<HHMMSS>`: the id is the first 11 characters.
        let utf8 = Array(stem.utf8)
        if utf8.count >= 27, utf8[11] == UInt8(ascii: "_"), utf8[12..<20].allSatisfy({ (0x30...0x39).contains($0) }),
            let id = try? VideoID(String(decoding: utf8[0..<11], as: UTF8.self))
        {
            result.append(id)
        }
        // `<slug>_<id>` and `<slug>_<id>_1`: the id is the last 11 characters after an underscore (an id may itself end
        // in `_1`, so both readings are tried).
        let endings = stem.hasSuffix("_1") ? [String(stem.dropLast(2)), stem] : [stem]
        for ending in endings {
            let tail = Array(ending.utf8)
            guard tail.count >= 11, let id = try? VideoID(String(decoding: tail[(tail.count - 11)...], as: UTF8.self)) else { continue }
            let separated = tail.count == 11 || tail[tail.count - 12] == UInt8(ascii: "_") || tail[tail.count - 12] == UInt8(ascii: "-")
            if separated, !result.contains(id) { result.append(id) }
        }
        return result
    }
}
