import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// What the migration does with one video (one group of source rows), and why.
package struct VideoPlan: Sendable {
    package enum Decision: Sendable, Equatable {
        case importVideo(VideoID)
        case tombstone(VideoID, reason: String)
        case quarantine(reason: String)

        package var videoID: VideoID? {
            switch self {
            case .importVideo(let id), .tombstone(let id, _): id
            case .quarantine: nil
            }
        }
    }

    /// A field where the sources disagreed, and which value won.
    package struct Conflict: Sendable, Codable, Equatable {
        package var field: String
        package var chosenSource: String
        package var chosen: String
        package var otherSource: String
        package var other: String
    }

    /// A placeholder (`Untitled`, `Unknown`, `0`, ...) that lost to a real value from another source.
    package struct PlaceholderReplacement: Sendable, Codable, Equatable, CustomStringConvertible {
        package var field: String
        package var placeholderSource: String
        package var placeholder: String
        package var source: String
        package var value: String

        /// `title: dashboard placeholder "Untitled" replaced by reports/x.json "The real title"`.
        package var description: String {
            "\(field): \(placeholderSource) placeholder \"\(placeholder)\" replaced by \(source) \"\(value)\""
        }
    }

    package var key: String
    package var decision: Decision
    package var video: ImportedVideo?
    /// Audio file (snapshot path) for the video, read when the batch is written.
    package var audioPath: String?
    package var audioDurationSeconds: Double?
    package var ledger: [LedgerEntry] = []
    package var quarantine: [QuarantineEntry] = []
    package var conflicts: [Conflict] = []
    package var placeholderReplacements: [PlaceholderReplacement] = []
    /// Every decision in words, for `plan --explain`.
    package var explanation: [String] = []
    /// An import found every row of this video in the ledger unchanged (``UnchangedRows``): the ledger lines are the
    /// recorded ones, and nothing else was read or reconciled.
    package var isUnchanged = false
    /// The ledger lines already recorded for this video's rows, by ``Store/ledgerKey(_:_:_:)``, when the plan was made
    /// for an import (which asked the ledger before reconciling); nil when nobody asked.
    package var recordedLedger: [String: (sha: String, outcome: String)]?

    package var videoID: VideoID? { decision.videoID }
}
