import Foundation
import Testing
import YTV2Core

@testable import YTV2Dashboard

/// Thousands of mutated ingest bodies: each is a write or a clean 400-class error, never a crash.
@Suite struct IngestFuzzTests {
    static let valid =
        #"{"id": "yt:dQw4w9WgXcQ", "title": "T", "duration_seconds": 61, "published_at": "2024-01-01T10:00:00Z", "source_metadata": {"youtube": {"video_id": "dQw4w9WgXcQ", "channel_name": "C"}}, "analysis": {"categories": [{"category": "History", "subcategories": ["Modern History"]}], "language": "en", "key_topics": ["a"]}, "summary": {"summary_type": "comprehensive", "variants": [{"variant": "comprehensive", "text": "**x**"}, {"variant": "audio_fr:advanced", "text": "y"}]}}"#

    @Test func mutatedIngestBodiesEndInAWriteOrACleanError() {
        var random = SplitMix64(seed: 99)
        var writes = 0
        var refused = 0
        for _ in 0..<5_000 {
            var bytes = Array(Self.valid.utf8)
            for _ in 0..<(1 + Int(random.next() % 5)) {
                guard !bytes.isEmpty else { break }
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(position...)
                case 2: bytes.insert(contentsOf: Array("-1e999\"{[".utf8).prefix(Int(random.next() % 9)), at: position)
                case 3: bytes.remove(at: position)
                default: bytes.insert(contentsOf: bytes[position...].prefix(60), at: position)
                }
            }
            do {
                _ = try IngestReport.parse(bytes)
                writes += 1
            } catch {
                #expect(!error.message.isEmpty)
                refused += 1
            }
        }
        #expect(writes + refused == 5_000)
        #expect(writes > 50 && refused > 500)
    }
}
