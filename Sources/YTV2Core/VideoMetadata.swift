import Foundation

/// Metadata fields of a video. A field left `nil` is not carried by the write and stays as it is in the database.
package struct VideoMetadata: Sendable, Equatable {
    package var title: String?
    package var contentSource: String?
    package var channelName: String?
    package var channelID: String?
    package var thumbnailURL: String?
    package var publishedAt: Date?
    package var indexedAt: Date?
    package var durationSeconds: Int?
    package var wordCount: Int?
    package var viewCount: Int?
    package var likeCount: Int?
    package var commentCount: Int?
    package var hasTranscript: Bool?
    package var transcriptChars: Int?
    package var contentType: String?
    package var complexityLevel: String?
    package var language: String?
    package var keyTopics: [String]?
    package var namedEntities: [String]?
    /// The video's spoken language, its summaries' and its narration's, as the legacy processor's reports name them
    /// (two-letter codes).
    package var originalLanguage: String?
    package var summaryLanguage: String?
    package var audioLanguage: String?
    /// Analysis fields without a column of their own (`sentiment`, `target_audience`, ...), as a JSON object's text;
    /// merged key by key into what is stored.
    package var analysisExtra: String?

    package init(
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
