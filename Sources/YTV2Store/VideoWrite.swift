import Foundation
import YTV2Core

/// A new summary text for one variant; stored as the next revision unless it equals the latest. The store renders its
/// HTML itself (``SummaryHTML``) when it stores the revision: no HTML from any source is ever kept or served.
public struct SummaryDraft: Sendable, Equatable {
    public var variant: SummaryVariant
    public var text: String
    public var headline: String?
    public var language: String?
    public var proficiency: ProficiencyLevel?
    /// The value exactly as the source had it, when normalization changed it.
    public var rawValue: String?
    public var generatedAt: Date?

    public init(
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
public struct AudioDraft: Sendable, Equatable {
    public var bytes: [UInt8]
    public var durationSeconds: Double?
    public var mime: String

    public init(bytes: [UInt8], durationSeconds: Double? = nil, mime: String = "audio/mpeg") {
        self.bytes = bytes
        self.durationSeconds = durationSeconds
        self.mime = mime
    }
}

/// Everything one result writes about one video, committed in a single transaction.
public struct VideoWrite: Sendable {
    /// The longest title the store accepts (titles sort by their first 200 characters; see `title_sort`).
    public static let maximumTitleBytes = 10_000

    public var videoID: VideoID
    public var metadata: VideoMetadata
    /// Written only when it outranks (or the video lacks) the stored categorization; see ``CategorizationOrigin``.
    public var categorization: Categorization?
    public var summaries: [SummaryDraft]
    public var audio: AudioDraft?
    /// Legacy ids that must resolve to this video.
    public var aliases: [String]
    /// An explicit re-request: clears the video's tombstone in the same transaction instead of being refused.
    public var revive: Bool
    /// Who writes (`processor`, `dashboard:ingest`, `migration`, ...), recorded with tombstone changes.
    public var actor: String

    public init(
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
public struct WriteOutcome: Sendable, Equatable {
    public var videoID: VideoID
    public var created: Bool
    /// The revisions added, per variant (a text equal to the latest adds none).
    public var revisionsAdded: [SummaryVariant: Int]
    public var audioStored: Bool
    /// The sha256 of the write's audio (also when those bytes were already stored).
    public var audioSHA256: String?
    public var categorizationWritten: Bool
    public var revived: Bool
    /// The primary's WAL position just after the commit: a reader that waits for it (on any replica) sees this write.
    public var commitPosition: WALPosition? = nil

    public var summariesAdded: Int { revisionsAdded.count }
}

/// The result of a delete.
public struct DeleteOutcome: Sendable, Equatable {
    public var videoID: VideoID
    public var summariesDeleted: Int
    public var audioDeleted: Int
    /// The primary's WAL position just after the delete committed (see ``WriteOutcome/commitPosition``).
    public var commitPosition: WALPosition? = nil
}
