import Foundation
import Logging
import YTV2Core
import YTV2Store

/// How a job ended.
package enum JobOutcome: Sendable, Equatable {
    case succeeded(stored: [String], warnings: [String])
    /// The video was deleted while the job worked: the result is discarded (invariant 3).
    case cancelledDeleted
    case failed(String)
    /// Worth another attempt later (a network error, a 5xx, a rate limit); what was produced so far is already stored.
    /// `notBefore` is the wait the service asked for, when it said.
    case retry(String, warnings: [String], notBefore: Duration? = nil)

    /// Whether the job has ended for good: its result is stored, or it was refused because the video was deleted.
    package var isFinal: Bool {
        switch self {
        case .succeeded, .cancelledDeleted: true
        case .failed, .retry: false
        }
    }
}

/// URL to stored summary: metadata, transcript, summaries, analysis, speech, then one commit through the store.
package struct ProcessingPipeline: Sendable {
    /// Where the result is committed.
    package let videos: VideoStore
    /// What is already stored (variants, audio), so a job does only what is missing.
    package let reports: ReportReader
    package let metadata: any MetadataSource
    package let transcripts: any TranscriptSource
    package let summarizer: any Summarizer
    package let analyzer: any Analyzer
    package let speech: (any SpeechSynthesizer)?
    package let logger: Logger
    /// Told each stage as it starts (`ytv2 process` shows them on a terminal).
    package var onStage: (@Sendable (VideoID, String) -> Void)?

    package init(
        videos: VideoStore,
        reports: ReportReader,
        metadata: any MetadataSource,
        transcripts: any TranscriptSource,
        summarizer: any Summarizer,
        analyzer: any Analyzer,
        speech: (any SpeechSynthesizer)?,
        logger: Logger
    ) {
        self.videos = videos
        self.reports = reports
        self.metadata = metadata
        self.transcripts = transcripts
        self.summarizer = summarizer
        self.analyzer = analyzer
        self.speech = speech
        self.logger = logger
    }

    /// Runs one job. Errors of the external services become `.retry` or `.failed`; a commit refused because the
    /// video was deleted meanwhile becomes `.cancelledDeleted`.
    package func run(_ job: Job) async -> JobOutcome {
        do {
            return try await execute(job)
        } catch let error as ProcessorError {
            guard error.isRetryable else { return .failed(error.description) }
            if case .rateLimited(_, let retryAfter?, _) = error {
                return .retry(error.description, warnings: [], notBefore: .milliseconds(Int64(min(retryAfter, 86_400) * 1000)))
            }
            return .retry(error.description, warnings: [])
        } catch let error as StoreError {
            if case .videoDeleted = error { return .cancelledDeleted }
            if case .unavailable = error { return .retry(error.description, warnings: []) }
            return .failed(error.description)
        } catch {
            return .failed(String(describing: error))
        }
    }

    private func execute(_ job: Job) async throws -> JobOutcome {
        var requests: [VariantRequest] = []
        for name in job.variants {
            do { requests.append(try VariantRequest(name)) } catch {
                throw ProcessorError.invalidResponse(service: "job", problem: error.description)
            }
        }
        // Already stored and unchanged: nothing to do unless forced (audio variants count only with their audio).
        var todo = requests
        if !job.force {
            let stored = try await reports.storedVariants(job.videoID)
            let hasAudio = try await reports.audioInfo(for: job.videoID) != nil
            todo = requests.filter { request in
                !stored.contains(request.variant.id) || (request.variant.kind == .audio && !hasAudio && speech != nil)
            }
            if todo.isEmpty { return .succeeded(stored: [], warnings: ["already stored: \(requests.map(\.description).joined(separator: ", "))"]) }
        }
        onStage?(job.videoID, "reading the video's details")
        let info = try await metadata.info(for: job.videoID)
        onStage?(job.videoID, "reading the captions")
        let transcript = try await transcripts.transcript(for: info)
        var warnings = info.warnings
        var drafts: [SummaryDraft] = []
        for request in todo {
            onStage?(job.videoID, "summarizing: \(request) (\(transcript.text.count) characters of \(transcript.language) captions)")
            let text = try await summarizer.summarize(transcript, info: info, request: request)
            drafts.append(
                SummaryDraft(
                    variant: request.variant,
                    text: text,
                    language: Self.language(of: request, transcript),
                    proficiency: request.proficiency,
                    generatedAt: Date()
                )
            )
        }
        onStage?(job.videoID, "analyzing")
        let analysis = try await analyzer.analyze(transcript, info: info)
        warnings += analysis.warnings

        var audio: AudioDraft?
        var speechFailure: ProcessorError?
        if let speech, let narration = drafts.first(where: { $0.variant.kind == .audio }) {
            onStage?(job.videoID, "speaking the narration (\(speech.name))")
            do { audio = try await speech.speak(narration.text, language: narration.language) } catch {
                speechFailure = error
                warnings.append("speech failed: \(error.description)")
            }
        } else if speech == nil, drafts.contains(where: { $0.variant.kind == .audio }) {
            warnings.append("no speech synthesizer configured: the narration text is stored without audio")
        }

        var metadata = info.metadata
        metadata.hasTranscript = true
        metadata.transcriptChars = transcript.text.count
        metadata.wordCount = drafts.first.map { $0.text.split(whereSeparator: \.isWhitespace).count }
        metadata.keyTopics = analysis.keyTopics.isEmpty ? nil : analysis.keyTopics
        metadata.namedEntities = analysis.namedEntities.isEmpty ? nil : analysis.namedEntities
        metadata.contentType = analysis.contentType
        metadata.complexityLevel = analysis.complexityLevel
        metadata.language = analysis.language ?? transcript.language
        onStage?(job.videoID, "storing")
        // One transaction: the store takes the video's lock and refuses the write if it was deleted meanwhile.
        let outcome = try await videos.commit(
            VideoWrite(
                videoID: job.videoID,
                metadata: metadata,
                categorization: analysis.categorization,
                summaries: drafts,
                audio: audio,
                aliases: [job.videoID.legacyID],
                revive: false,
                actor: "processor"
            )
        )
        logger.info("stored \(job.videoID)", metadata: ["job": "\(job.id)", "variants": "\(drafts.map(\.variant.id))"])
        if let speechFailure, speechFailure.isRetryable {
            return .retry(speechFailure.description, warnings: warnings)
        }
        return .succeeded(stored: outcome.revisionsAdded.keys.map(\.id).sorted(), warnings: warnings)
    }

    static func language(of request: VariantRequest, _ transcript: Transcript) -> String? {
        switch request.variant.id {
        case "audio-fr": "fr"
        case "audio-es": "es"
        case "audio": "en"
        default: transcript.language
        }
    }
}
