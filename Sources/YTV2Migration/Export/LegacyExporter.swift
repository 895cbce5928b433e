import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// `migrate export-legacy`: writes the current PostgreSQL state as a legacy dashboard SQLite file (deletes and videos
/// added since the cutover included), then proves it by migrating it back in thought: a snapshot of the new file is
/// planned with the same rules as the import, and every planned video must match PostgreSQL field by field, pairs and
/// latest summaries included, with nothing missing and nothing extra. A verified export is the rollback drill the
/// Live gate asks for.
package struct LegacyExporter: Sendable {
    package let store: Store
    package var batchSize = 500

    package init(store: Store) { self.store = store }

    package struct Report: Sendable, Codable {
        package var file: String
        package var videos = 0
        package var summaries = 0
        package var verified = false
        package var differences: [String] = []
        package var seconds = 0.0
    }

    package func export(to path: String, progress: ProgressReporter = .silent) async throws -> Report {
        let started = ContinuousClock.now
        var report = Report(file: path)
        let writer = try LegacyDashboardWriter(creating: path)
        try await MigrationLedger(store: store).forEachVideoIDBatch(size: batchSize) { ids in
            let videos = try await Self.legacyVideos(ids, store: store)
            report.summaries += videos.map(\.summaries.count).reduce(0, +)
            try writer.append(videos)
            report.videos += videos.count
            progress.advance(by: videos.count)
        }
        report.differences = try await verify(path)
        report.verified = report.differences.isEmpty
        report.seconds = (ContinuousClock.now - started).inSeconds
        return report
    }

    /// The given stored videos in the legacy dashboard's terms (absent ids are left out).
    package static func legacyVideos(_ ids: [String], store: Store) async throws -> [LegacyDashboardVideo] {
        let states = try await MigrationLedger(store: store).videoStates(ids)
        let summaries = try await MigrationLedger(store: store).latestSummaries(ids)
        return ids.compactMap { id in
            guard let state = states[id], let videoID = try? VideoID(id) else { return nil }
            return LegacyDashboardVideo(
                id: videoID,
                metadata: metadata(state),
                categories: state.categories,
                hasAudio: state.audioSHA256 != nil,
                audioDurationSeconds: state.audioDurationSeconds,
                summaries: mainFirst(summaries[id] ?? [])
            )
        }
    }

    /// Plans a snapshot of the exported file and compares every video with PostgreSQL.
    package func verify(_ path: String) async throws -> [String] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-export-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let snapshot = try MigrationSnapshot.create(dashboard: path, nas: nil, reports: nil, audio: nil, out: scratch)
        var problems: [String] = []
        var planned = Set<String>()
        let store = self.store
        _ = try await MigrationPlanner(snapshot: snapshot, options: PlanOptions()).runOverlapping { plans in
            var imported: [VideoPlan] = []
            for plan in plans {
                switch plan.decision {
                case .importVideo(let id):
                    imported.append(plan)
                    planned.insert(id.rawValue)
                case .tombstone(let id, _): problems.append("\(id): the export would be read as deleted")
                case .quarantine: problems.append("\(plan.ledger.first?.sourceKey ?? "a row"): the export would be quarantined")
                }
            }
            let batch = imported
            return { try await Self.compare(batch, snapshot: snapshot, store: store) }
        } collect: { (found: [String]) in
            problems += found
        }
        // Nothing missing: every stored video is in the export.
        try await MigrationLedger(store: store).forEachVideoIDBatch(size: 5_000) { ids in
            for id in ids where !planned.contains(id) { problems.append("\(id): stored in PostgreSQL but not in the export") }
        }
        return problems
    }

    static func compare(_ plans: [VideoPlan], snapshot: MigrationSnapshot, store: Store) async throws -> [String] {
        let ids = plans.compactMap { $0.videoID?.rawValue }
        let states = try await MigrationLedger(store: store).videoStates(ids)
        var problems: [String] = []
        for plan in plans {
            guard let video = plan.video else { continue }
            guard let state = states[video.id.rawValue] else {
                problems.append("\(video.id): in the export but not stored in PostgreSQL")
                continue
            }
            // Aliases are not compared: videos added after the cutover never had a legacy id.
            problems += MigrationVerifier.compare(video, audioPath: nil, snapshot: snapshot, with: state, aliases: false)
            let exported = video.categorization?.normalized.pairs ?? []
            let stored = Categorization(entries: state.categories, origin: .processor).normalized.pairs
            if exported != stored { problems.append("\(video.id) categories: exported \(exported.count) pair(s), stored \(stored.count)") }
        }
        return problems
    }

    /// The comprehensive summary first (the legacy dashboard's main text), then the others.
    static func mainFirst(_ summaries: [(variant: String, text: String)]) -> [(variant: String, text: String)] {
        summaries.sorted { ($0.variant == "comprehensive" ? 0 : 1, $0.variant) < ($1.variant == "comprehensive" ? 0 : 1, $1.variant) }
    }

    static func metadata(_ state: VideoState) -> VideoMetadata {
        let f = state.fields
        func text(_ name: String) -> String? { f[name].flatMap { $0.isEmpty ? nil : $0 } }
        func int(_ name: String) -> Int? { text(name).flatMap { Int($0) } }
        func date(_ name: String) -> Date? { text(name).flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0 / 1000) } }
        func list(_ name: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data((f[name] ?? "[]").utf8))) ?? [] }
        var m = VideoMetadata()
        m.title = f["title"]
        m.channelName = text("channel_name")
        m.channelID = text("channel_id")
        m.thumbnailURL = text("thumbnail_url")
        m.publishedAt = date("published_at")
        m.indexedAt = date("indexed_at")
        m.durationSeconds = int("duration_seconds")
        m.wordCount = int("word_count")
        m.viewCount = int("view_count")
        m.likeCount = int("like_count")
        m.commentCount = int("comment_count")
        m.hasTranscript = f["has_transcript"] == "true"
        m.transcriptChars = int("transcript_chars")
        m.contentType = text("content_type")
        m.complexityLevel = text("complexity_level")
        m.language = text("language")
        m.keyTopics = list("key_topics")
        m.namedEntities = list("named_entities")
        return m
    }
}
