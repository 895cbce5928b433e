import Foundation
import GRDB
import YTV2Core
import YTV2Legacy

extension LegacyFixtures {
    /// One generated MP3 and what a narration of its video would say.
    package struct Narration: Sendable {
        package let audioFile: URL
        /// The title, then the dashboard's summary as plain text (markdown marks removed), at most about a minute of
        /// speech.
        package let text: String
        package let language: String?
    }

    /// The MP3s in `directory`'s `audio/` (as ``write(to:progress:)`` left them) with their video's title and summary
    /// from its `dashboard.db`, so a demo can replace the generated silent frames with speech.
    package static func narrations(in directory: URL) throws -> [Narration] {
        let audio = directory.appendingPathComponent("audio")
        let files = try FileManager.default.contentsOfDirectory(at: audio, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "mp3" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var configuration = Configuration()
        configuration.readonly = true
        let dashboard = try DatabaseQueue(path: directory.appendingPathComponent(dashboardFile).path, configuration: configuration)
        let nas = try DatabaseQueue(path: directory.appendingPathComponent(nasFile).path, configuration: configuration)
        return try files.map { file in
            // `<id>.mp3` or `audio_<id>_<stamp>.mp3`; a YouTube id is 11 characters.
            let stem = file.deletingPathExtension().lastPathComponent
            let videoID = stem.hasPrefix("audio_") ? String(stem.dropFirst(6).prefix(11)) : stem
            let row = try dashboard.read { db in
                try Row.fetchOne(db, sql: "SELECT title, summary, language FROM content WHERE video_id = ?", arguments: [videoID])
            }
            // The dashboard's summary, else the NAS's (the legacy processor kept the audio variant's text there).
            let raw: String? =
                try (row?["summary"] as String?)
                ?? nas.read { db in
                    try String.fetchOne(
                        db,
                        sql: """
                            SELECT summary_text FROM content_summaries WHERE content_id IN (SELECT id FROM content WHERE video_id = ?)
                            ORDER BY summary_type = 'comprehensive' DESC LIMIT 1
                            """,
                        arguments: [videoID]
                    )
                }
            let summary =
                raw.map { LegacySummaryText.normalize($0, variant: .comprehensive).normalized }
                ?? "No summary was kept for this video. This narration stands in for one, so the player has something to play."
            let title: String = row?["title"] ?? "A video"
            return Narration(audioFile: file, text: spoken(title: title, summary: summary), language: row?["language"])
        }
    }

    /// Title and summary as sentences to speak: headings, bullets and emphasis marks dropped, cut near 900 characters.
    static func spoken(title: String, summary: String) -> String {
        let lines = summary.split(whereSeparator: \.isNewline).map { line -> String in
            var text = line.trimmingCharacters(in: .whitespaces)
            while let first = text.first, "#-*•".contains(first) { text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
            for mark in ["**", "__", "`"] { text = text.replacingOccurrences(of: mark, with: "") }
            return text
        }.filter { !$0.isEmpty }
        var text = title.hasSuffix(".") ? title : title + "."
        for line in lines {
            guard text.count + line.count < 900 else { break }
            text += " " + (line.last.map { ".!?:".contains($0) } == true ? line : line + ".")
        }
        return text
    }
}
