import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// What the migration does with one video (one group of source rows), and why.
public struct VideoPlan: Sendable {
    public enum Decision: Sendable, Equatable {
        case importVideo(VideoID)
        case tombstone(VideoID, reason: String)
        case quarantine(reason: String)
    }

    /// A field where the sources disagreed, and which value won.
    public struct Conflict: Sendable, Codable, Equatable {
        public var field: String
        public var chosenSource: String
        public var chosen: String
        public var otherSource: String
        public var other: String
    }

    /// A placeholder (`Untitled`, `Unknown`, `0`, ...) that lost to a real value from another source.
    public struct PlaceholderReplacement: Sendable, Codable, Equatable, CustomStringConvertible {
        public var field: String
        public var placeholderSource: String
        public var placeholder: String
        public var source: String
        public var value: String

        /// `title: dashboard placeholder "Untitled" replaced by reports/x.json "The real title"`.
        public var description: String {
            "\(field): \(placeholderSource) placeholder \"\(placeholder)\" replaced by \(source) \"\(value)\""
        }
    }

    public var key: String
    public var decision: Decision
    public var video: ImportedVideo?
    /// Audio file (snapshot path) for the video, read when the batch is written.
    public var audioPath: String?
    public var audioDurationSeconds: Double?
    public var ledger: [LedgerEntry] = []
    public var quarantine: [QuarantineEntry] = []
    public var conflicts: [Conflict] = []
    public var placeholderReplacements: [PlaceholderReplacement] = []
    /// Every decision in words, for `plan --explain`.
    public var explanation: [String] = []

    public var videoID: VideoID? {
        switch decision {
        case .importVideo(let id), .tombstone(let id, _): id
        case .quarantine: nil
        }
    }
}
