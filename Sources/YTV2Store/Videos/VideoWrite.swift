import Foundation
import YTV2Core

/// A new summary text for one variant; stored as the next revision unless it equals the latest. The store renders its
/// HTML itself (``SummaryHTML``) when it stores the revision: no HTML from any source is ever kept or served.
package struct SummaryDraft: Sendable, Equatable {
    package var variant: SummaryVariant
    package var text: String
    package var headline: String?
    package var language: String?
    package var proficiency: ProficiencyLevel?
    /// The value exactly as the source had it, when normalization changed it.
    package var rawValue: String?
    package var generatedAt: Date?

    package init(
        variant: SummaryVariant,
        text: String,
        headline: String? = nil,
        language: String? = nil,
        proficiency: ProficiencyLevel? = nil,
        rawValue: String? = nil,
        generatedAt: Date? = nil
    ) {
        self.variant = variant
        self.text = text
        self.headline = headline
        self.language = language
        self.proficiency = proficiency
        self.rawValue = rawValue
        self.generatedAt = generatedAt
    }
}

/// Audio bytes for a video; the store computes size and sha256 itself, and the duration from the MP3 frames when the
/// draft does not give one.
package struct AudioDraft: Sendable, Equatable {
    package var bytes: [UInt8]
    package var durationSeconds: Double?
    package var mime: String

    package init(bytes: [UInt8], durationSeconds: Double? = nil, mime: String = "audio/mpeg") {
        self.bytes = bytes
        self.durationSeconds = durationSeconds
        self.mime = mime
    }
}

/// Everything one result writes about one video, committed in a single transaction.
package struct VideoWrite: Sendable {
    /// The longest title the store accepts (titles sort by their first 200 characters; see `title_sort`).
    package static let maximumTitleBytes = 10_000

    package var videoID: VideoID
    package var metadata: VideoMetadata
    /// Written only when it outranks (or the video lacks) the stored categorization; see ``CategorizationOrigin``.
    package var categorization: Categorization?
    package var summaries: [SummaryDraft]
    package var audio: AudioDraft?
    /// Legacy ids that must resolve to this video.
    package var aliases: [String]
    /// An explicit re-request: clears the video's tombstone in the same transaction instead of being refused.
    package var revive: Bool
    /// Who writes (`processor`, `dashboard:ingest`, `migration`, ...), recorded with tombstone changes.
    package var actor: String

    package init(
        videoID: VideoID,
        metadata: VideoMetadata = VideoMetadata(),
        categorization: Categorization? = nil,
        summaries: [SummaryDraft] = [],
        audio: AudioDraft? = nil,
        aliases: [String] = [],
        revive: Bool = false,
        actor: String
    ) {
        self.videoID = videoID
        self.metadata = metadata
        self.categorization = categorization
        self.summaries = summaries
        self.audio = audio
        self.aliases = aliases
        self.revive = revive
        self.actor = actor
    }
}

/// What a committed write changed.
package struct WriteOutcome: Sendable, Equatable {
    package var videoID: VideoID
    package var created: Bool
    /// The revisions added, per variant (a text equal to the latest adds none).
    package var revisionsAdded: [SummaryVariant: Int]
    package var audioStored: Bool
    /// The sha256 of the write's audio (also when those bytes were already stored).
    package var audioSHA256: String?
    package var categorizationWritten: Bool
    package var revived: Bool
    /// The primary's WAL position just after the commit: a reader that waits for it (on any replica) sees this write.
    package var commitPosition: WALPosition? = nil

    package var summariesAdded: Int { revisionsAdded.count }
}

/// The result of a delete.
package struct DeleteOutcome: Sendable, Equatable {
    package var videoID: VideoID
    package var summariesDeleted: Int
    package var audioDeleted: Int
    /// The primary's WAL position just after the delete committed (see ``WriteOutcome/commitPosition``).
    package var commitPosition: WALPosition? = nil
}
