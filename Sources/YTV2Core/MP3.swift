/// Just enough of the MP3 format to refuse files that are not audio, to join parts into one file and to measure a
/// file's duration: ID3 tags are skipped, MPEG audio frames are walked by their headers. The ingest route, the
/// processor's speech stage and the migration all use this one type.
package enum MP3 {
    /// Whether `bytes` start like an MP3: an ID3v2 tag, or an MPEG audio frame sync (11 set bits). Cheap enough to
    /// run on every upload before anything else.
    package static func looksLikeMP3(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        if bytes[0] == UInt8(ascii: "I"), bytes[1] == UInt8(ascii: "D"), bytes[2] == UInt8(ascii: "3") { return true }
        return bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0
    }

    /// The playing time of `bytes` in seconds, from its frames; nil when no whole frame is found.
    package static func durationSeconds(_ bytes: [UInt8]) -> Double? {
        frames(bytes).map(\.durationSeconds)
    }

    package struct Frames: Sendable, Equatable {
        /// The bytes of the frames, without tags.
        package var audio: ArraySlice<UInt8>
        package var count: Int
        package var durationSeconds: Double
    }

    /// The frames of `bytes`, or nil when there is no MPEG audio frame at all (the bytes are not an MP3).
    package static func frames(_ bytes: [UInt8]) -> Frames? {
        var index = 0
        // ID3v2 at the start: "ID3", version, flags, then a 28-bit syncsafe size.
        if bytes.count >= 10, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 {
            let size = (Int(bytes[6]) << 21) | (Int(bytes[7]) << 14) | (Int(bytes[8]) << 7) | Int(bytes[9])
            index = 10 + size + ((bytes[5] & 0x10) != 0 ? 10 : 0)
        }
        var end = bytes.count
        // ID3v1 at the end: "TAG" and 125 more bytes.
        if end - index >= 128, bytes[end - 128] == 0x54, bytes[end - 127] == 0x41, bytes[end - 126] == 0x47 { end -= 128 }
        let start = index
        var count = 0
        var seconds = 0.0
        var lastEnd = start
        while index + 4 <= end {
            guard let (length, duration) = frameHeader(bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3]),
                index + length <= end
            else { break }
            count += 1
            seconds += duration
            index += length
            lastEnd = index
        }
        guard count > 0 else { return nil }
        return Frames(audio: bytes[start..<lastEnd], count: count, durationSeconds: seconds)
    }

    /// Frame length in bytes and its duration, from a 4-byte MPEG audio header; nil when it is not one.
    static func frameHeader(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) -> (Int, Double)? {
        guard b0 == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
        let version = (b1 >> 3) & 0x3  // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
        let layerBits = (b1 >> 1) & 0x3  // 3: Layer I, 2: Layer II, 1: Layer III, 0: reserved
        let bitrateIndex = Int(b2 >> 4)
        let rateIndex = Int((b2 >> 2) & 0x3)
        let padding = Int((b2 >> 1) & 0x1)
        guard version != 1, layerBits != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        let layer = 4 - Int(layerBits)
        let mpeg1 = version == 3
        let kbps: [Int]
        switch (mpeg1, layer) {
        case (true, 1): kbps = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
        case (true, 2): kbps = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
        case (true, _): kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        case (false, 1): kbps = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
        default: kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        }
        let sampleRate = [44_100, 48_000, 32_000][rateIndex] / (mpeg1 ? 1 : (version == 2 ? 2 : 4))
        let bitrate = kbps[bitrateIndex] * 1000
        let samples: Int
        let length: Int
        switch layer {
        case 1:
            samples = 384
            length = (12 * bitrate / sampleRate + padding) * 4
        case 2:
            samples = 1152
            length = 144 * bitrate / sampleRate + padding
        default:
            samples = mpeg1 ? 1152 : 576
            length = (mpeg1 ? 144 : 72) * bitrate / sampleRate + padding
        }
        guard length >= 4 else { return nil }
        return (length, Double(samples) / Double(sampleRate))
    }

    /// One MP3 made of the parts' frames (tags dropped), and its duration; nil when a part is not MP3.
    package static func join(_ parts: [[UInt8]]) -> (bytes: [UInt8], durationSeconds: Double)? {
        var bytes: [UInt8] = []
        var seconds = 0.0
        for part in parts {
            guard let frames = frames(part) else { return nil }
            bytes += frames.audio
            seconds += frames.durationSeconds
        }
        return bytes.isEmpty ? nil : (bytes, seconds)
    }
}
