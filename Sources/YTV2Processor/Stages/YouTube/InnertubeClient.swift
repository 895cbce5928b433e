import Foundation
import YTV2Core

/// A client identity the processor presents to YouTube's player endpoint (`POST /youtubei/v1/player`): the name and
/// version YouTube checks, the user agent that goes with them, and the context fields that app sends.
///
/// Why mobile clients: since mid-2025 the caption URLs YouTube gives the WEB client carry `exp=xpe` and answer an empty
/// body without a proof-of-origin token, while the mobile apps' answers carry caption URLs that still answer. Versions
/// go stale (YouTube answers an old one with HTTP 400 "Precondition check failed"), so they are configurable
/// (`YOUTUBE_CLIENTS=ANDROID:21.03.36,VISIONOS:1.0`) and the processor tries the next one when a client is refused.
package struct InnertubeClient: Sendable, Equatable, CustomStringConvertible {
    package var name: String
    package var version: String

    package init(name: String, version: String) {
        self.name = name.uppercased()
        self.version = version
    }

    /// ANDROID as the YouTube app sent it in NewPipeExtractor's recordings of 2026-07 (21.03.36), then VISIONOS.
    package static let defaults = [InnertubeClient(name: "ANDROID", version: "21.03.36"), InnertubeClient(name: "VISIONOS", version: "1.0")]

    /// The browser whose watch page the processor reads.
    package static let web = InnertubeClient(name: "WEB", version: "2.20260701.00.00")

    package var description: String { "\(name) \(version)" }

    /// Parses `NAME:VERSION[,NAME:VERSION…]`; a malformed entry names itself.
    package static func parse(_ entries: [String], variable: String) throws(ConfigurationError) -> [InnertubeClient] {
        var clients: [InnertubeClient] = []
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingASCIIWhitespace }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                parts[0].allSatisfy({ $0.isLetter || $0 == "_" }), parts[1].allSatisfy({ $0.isNumber || $0 == "." })
            else {
                throw ConfigurationError(
                    variable: variable,
                    problem: "must list clients as NAME:VERSION separated by commas, e.g. ANDROID:21.03.36,VISIONOS:1.0 (got \"\(entry.prefix(40))\")"
                )
            }
            clients.append(InnertubeClient(name: parts[0], version: parts[1]))
        }
        return clients
    }

    /// The user agent of the app this client names; YouTube compares it with the client name.
    package var userAgent: String {
        switch name {
        case "ANDROID", "ANDROID_VR", "ANDROID_MUSIC":
            "com.google.android.youtube/\(version) (Linux; U; Android 15; GB) gzip"
        case "IOS":
            "com.google.ios.youtube/\(version) (iPhone16,2; U; CPU iOS 18_3 like Mac OS X;)"
        case "VISIONOS":
            "Mozilla/5.0 (Apple Vision; CPU OS 2_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/2.0 Safari/605.1.15"
        default:
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"
        }
    }

    /// The `context.client` object of a player request.
    var context: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "clientName": .string(name), "clientVersion": .string(version), "hl": .string("en"), "gl": .string("US"),
            "utcOffsetMinutes": .number(0),
        ]
        switch name {
        case "ANDROID", "ANDROID_VR", "ANDROID_MUSIC":
            fields["androidSdkVersion"] = .number(35)
            fields["osName"] = .string("Android")
            fields["osVersion"] = .string("15")
            fields["platform"] = .string("MOBILE")
        case "IOS":
            fields["deviceMake"] = .string("Apple")
            fields["deviceModel"] = .string("iPhone16,2")
            fields["osName"] = .string("iPhone")
            fields["osVersion"] = .string("18.3.2.22D82")
        case "VISIONOS":
            fields["deviceMake"] = .string("Apple")
            fields["deviceModel"] = .string("RealityDevice14,1")
            fields["osName"] = .string("visionOS")
            fields["osVersion"] = .string("2.0")
        default: break
        }
        return fields
    }

    /// The body of a player request for `id`.
    func playerRequest(for id: VideoID) -> [UInt8] {
        let body: JSONValue = .object([
            "context": .object(["client": .object(context)]),
            "videoId": .string(id.rawValue),
            "contentCheckOk": .bool(true),
            "racyCheckOk": .bool(true),
        ])
        return Array(body.text.utf8)
    }
}
