import Foundation

/// Metadata fields of a video. A field left `nil` is not carried by the write and stays as it is in the database.
public struct VideoMetadata: Sendable, Equatable {
    public var title: String?
    public var contentSource: String?
    public var channelName: String?
    public var channelID: String?
    public var thumbnailURL: String?
    public var publishedAt: Date?
    public var indexedAt: Date?
    public var durationSeconds: Int?
    public var wordCount: Int?
    public var viewCount: Int?
    public var likeCount: Int?
    public var commentCount: Int?
    public var hasTranscript: Bool?
    public var transcriptChars: Int?
    public var contentType: String?
    public var complexityLevel: String?
    public var language: String?
    public var keyTopics: [String]?
    public var namedEntities: [String]?
    /// The video's spoken language, its summaries' and its narration's, as the legacy processor's reports name them
    /// (two-letter codes).
    public var originalLanguage: String?
    public var summaryLanguage: String?
    public var audioLanguage: String?
    /// Analysis fields without a column of their own (`sentiment`, `target_audience`, ...), as a JSON object's text;
    /// merged key by key into what is stored.
    public var analysisExtra: String?

    public init(
        title: String? = nil,
        contentSource: String? = nil,
        channelName: String? = nil,
        channelID: String? = nil,
        thumbnailURL: String? = nil,
        publishedAt: Date? = nil,
        indexedAt: Date? = nil,
        durationSeconds: Int? = nil,
        wordCount: Int? = nil,
        viewCount: Int? = nil,
        likeCount: Int? = nil,
        commentCount: Int? = nil,
        hasTranscript: Bool? = nil,
        transcriptChars: Int? = nil,
        contentType: String? = nil,
        complexityLevel: String? = nil,
        language: String? = nil,
        keyTopics: [String]? = nil,
        namedEntities: [String]? = nil
    ) {
        self.title = title
        self.contentSource = contentSource
        self.channelName = channelName
        self.channelID = channelID
        self.thumbnailURL = thumbnailURL
        self.publishedAt = publishedAt
        self.indexedAt = indexedAt
        self.durationSeconds = durationSeconds
        self.wordCount = wordCount
        self.viewCount = viewCount
        self.likeCount = likeCount
        self.commentCount = commentCount
        self.hasTranscript = hasTranscript
        self.transcriptChars = transcriptChars
        self.contentType = contentType
        self.complexityLevel = complexityLevel
        self.language = language
        self.keyTopics = keyTopics
        self.namedEntities = namedEntities
    }
}
