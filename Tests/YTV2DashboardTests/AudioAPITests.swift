import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

@testable import YTV2Dashboard

@Suite struct AudioAPITests {
    static let size = 600_000  // larger than one streamed chunk

    static func seed(_ store: Store) async throws -> [UInt8] {
        let audio = TestAudio.mp3(size)
        try await VideoStore(store: store).commit(
            VideoWrite(videoID: Harness.id("dQw4w9WgXcQ"), metadata: VideoMetadata(title: "Audio"), audio: AudioDraft(bytes: audio), actor: "test")
        )
        return audio
    }

    @Test func fullRangesHeadAndETag() async throws {
        try await Harness.withDashboard { client, store in
            let audio = try await Self.seed(store)
            let info = try #require(try await ReportReader(store: store).audioInfo(for: Harness.id("dQw4w9WgXcQ")))
            let etag = "\"\(info.sha256)\""
            for path in ["/exports/by_video/dQw4w9WgXcQ.mp3", "/exports/audio/dQw4w9WgXcQ.mp3", "/exports/by_video/dQw4w9WgXcQ.mp3?t=123"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "audio/mpeg")
                    #expect(response.headers[.acceptRanges] == "bytes")
                    #expect(response.headers[.contentLength] == String(Self.size))
                    #expect(response.headers[.eTag] == etag)
                    #expect(Array(buffer: response.body) == audio)
                }
            }
            let cases: [(String, Range<Int>)] = [
                ("bytes=0-99", 0..<100), ("bytes=300000-300499", 300_000..<300_500), ("bytes=-500", (Self.size - 500)..<Self.size),
                ("bytes=599000-", 599_000..<Self.size), ("bytes=10-9999999", 10..<Self.size), ("bytes=0-0", 0..<1),
            ]
            for (header, expected) in cases {
                try await client.execute(uri: "/exports/by_video/dQw4w9WgXcQ.mp3", method: .get, headers: [.range: header]) { response in
                    #expect(response.status == .partialContent, "\(header)")
                    #expect(response.headers[.contentRange] == "bytes \(expected.lowerBound)-\(expected.upperBound - 1)/\(Self.size)")
                    #expect(response.headers[.contentLength] == String(expected.count))
                    #expect(Array(buffer: response.body) == Array(audio[expected]), "\(header)")
                }
            }
            for header in ["bytes=600000-", "bytes=700000-700100", "bytes=-0"] {
                try await client.execute(uri: "/exports/by_video/dQw4w9WgXcQ.mp3", method: .get, headers: [.range: header]) { response in
                    #expect(response.status == .rangeNotSatisfiable, "\(header)")
                    #expect(response.headers[.contentRange] == "bytes */\(Self.size)")
                }
            }
            try await client.execute(uri: "/exports/by_video/dQw4w9WgXcQ.mp3", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(Self.size))
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/exports/by_video/dQw4w9WgXcQ.mp3", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
            }
            for missing in ["/exports/by_video/AAAAAAAAAAA.mp3", "/exports/by_video/bad.mp3", "/exports/by_video/dQw4w9WgXcQ.wav"] {
                try await client.execute(uri: missing, method: .get) { #expect($0.status == .notFound, "\(missing)") }
            }
        }
    }

    @Test func parsesRangeHeaders() {
        #expect(ByteRange.parse("bytes=0-9", size: 100) == .partial(0..<10))
        #expect(ByteRange.parse("bytes=-10", size: 100) == .partial(90..<100))
        #expect(ByteRange.parse("bytes=-1000", size: 100) == .partial(0..<100))
        #expect(ByteRange.parse("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 100) == .whole)
        #expect(ByteRange.parse("bytes=9-3", size: 100) == .whole)
    }
}
