import Foundation
import YTV2Core

/// What the fake YouTube answers, modelled on answers recorded from the real one by other projects:
/// - the mobile player answer (`POST /youtubei/v1/player`, ANDROID): youtube-transcript-api's
///   `test/assets/youtube.innertube.json.static` (caption URLs on www.youtube.com with `fmt=srv3`, no `exp` gate,
///   `name.runs`, `kind: "asr"`, no `microformat`), and NewPipeExtractor's mocks recorded 2026-07 (ANDROID 21.03.36);
/// - a stale client's refusal: HTTP 400 `{"error": {"code": 400, "message": "Precondition check failed.",
///   "status": "FAILED_PRECONDITION"}}` (kkdai/youtube#322, LuanRT/YouTube.js#926);
/// - the walls: `playabilityStatus` of `youtube_request_blocked.innertube.json.static` (LOGIN_REQUIRED, "Sign in to
///   confirm you’re not a bot"), `youtube_age_restricted.innertube.json.static` (LOGIN_REQUIRED, "This video may be
///   inappropriate for some users."), `youtube_video_unavailable` (ERROR, "This video is unavailable");
/// - the EU consent interstitial: `youtube_consent_page.html.static` (a form posting to consent.youtube.com/s);
/// - the WEB watch page's caption URLs carry `exp=xpe` and answer HTTP 200 with an empty body without a PO token
///   (youtube-transcript-api's `PoTokenRequired`, raised for `&exp=xpe` URLs);
/// - oEmbed of a video with embedding disabled: HTTP 401 "Unauthorized".
package enum FakeYouTube {
    /// A caption track a fake video has.
    package struct Track: Sendable, Equatable {
        package var language: String
        package var automatic: Bool

        package init(_ language: String, automatic: Bool = false) {
            self.language = language
            self.automatic = automatic
        }
    }

    /// The refusals, as `playabilityStatus` objects.
    package enum Wall: Sendable {
        case botCheck, ageRestricted, privateVideo, removed, liveNotStarted

        var playabilityStatus: String {
            switch self {
            case .botCheck:
                #"{"status": "LOGIN_REQUIRED", "reason": "Sign in to confirm you’re not a bot", "errorScreen": {"playerErrorMessageRenderer": {"subreason": {"runs": [{"text": "This helps protect our community. "}, {"text": "Learn more"}]}, "reason": {"runs": [{"text": "Sign in to confirm you’re not a bot"}]}}}, "contextParams": "Q0FFU0FnZ0M="}"#
            case .ageRestricted:
                #"{"status": "LOGIN_REQUIRED", "reason": "This video may be inappropriate for some users.", "errorScreen": {"confirmDialogRenderer": {"title": {"runs": [{"text": "You must sign in to view this video"}]}}}, "desktopLegacyAgeGateReason": 1, "reasonTitle": "You must sign in to view this video"}"#
            case .privateVideo:
                #"{"status": "LOGIN_REQUIRED", "reason": "This video is private", "messages": ["This is a private video. Please sign in to verify that you may see it."]}"#
            case .removed:
                #"{"status": "ERROR", "reason": "This video is unavailable", "errorScreen": {"playerErrorMessageRenderer": {"subreason": {"runs": [{"text": "This video has been removed by the uploader"}]}}}}"#
            case .liveNotStarted:
                #"{"status": "LIVE_STREAM_OFFLINE", "reason": "This live event will begin in 3 hours.", "playableInEmbed": true}"#
            }
        }
    }

    package static let defaultTracks = [Track("fr"), Track("en", automatic: true), Track("en")]

    static func videoDetails(_ id: String) -> String {
        #"{"videoId": "\#(id)", "title": "Video \#(id)", "lengthSeconds": "754", "channelId": "UC123", "isOwnerViewing": false, "shortDescription": "A \"quoted\" description {with braces}", "isCrawlable": true, "thumbnail": {"thumbnails": [{"url": "https://i.ytimg.com/vi/\#(id)/default.jpg?sqp=-oaymwE&rs=AOn4", "width": 120, "height": 90}, {"url": "https://i.ytimg.com/vi/\#(id)/hqdefault.jpg?sqp=-oaymwEm&rs=AOn4CL", "width": 480, "height": 360}]}, "allowRatings": true, "viewCount": "12345", "author": "Channel of \#(id)", "isPrivate": false, "isLiveContent": false}"#
    }

    /// The caption tracks object; `host` is where the URLs point (YouTube's own host: the processor resolves it against
    /// its base URL), `gate` adds the WEB client's `exp=xpe`.
    static func captions(_ id: String, tracks: [Track], gate: Bool) -> String {
        let items = tracks.map { track in
            let kind = track.automatic ? "&kind=asr" : ""
            let expiry = gate ? "&exp=xpe" : ""
            let url =
                "https://www.youtube.com/api/timedtext?v=\(id)&ei=xp1JaMfUBcyLzPsP9ren4QQ&caps=asr&opi=112496729\(expiry)&xoaf=5&hl=en&ip=0.0.0.0&ipbits=0&expire=1749680182&sparams=ip,ipbits,expire,v,ei,caps,opi,xoaf&signature=1F96.7F4A&key=yt8\(kind)&lang=\(track.language)&fmt=srv3"
            let name = track.automatic ? "\(track.language) (auto-generated)" : track.language
            return
                #"{"baseUrl": "\#(url)", "name": {"runs": [{"text": "\#(name)"}]}, "vssId": "\#(track.automatic ? "a" : "").\#(track.language)", "languageCode": "\#(track.language)"\#(track.automatic ? #", "kind": "asr""# : ""), "isTranslatable": true, "trackName": ""}"#
        }
        return
            #"{"playerCaptionsTracklistRenderer": {"captionTracks": [\#(items.joined(separator: ", "))], "audioTracks": [{"captionTrackIndices": [0], "defaultCaptionTrackIndex": 0}], "translationLanguages": [{"languageCode": "en", "languageName": {"runs": [{"text": "English"}]}}], "defaultAudioTrackIndex": 0}}"#
    }

    /// A mobile client's player answer (no microformat).
    static func mobilePlayer(_ id: String, client: String, version: String, tracks: [Track], wall: Wall?) -> String {
        let context =
            #"{"visitorData": "CgtmS09UUW54WUQ5VSjGu6bCBjIKCgJERRIEEgAgRDoMCAEg78fRoOW456RoWMrtgeuL0_SSmQE%3D", "serviceTrackingParams": [{"service": "CSI", "params": [{"key": "c", "value": "\#(client)"}, {"key": "cver", "value": "\#(version)"}]}], "maxAgeSeconds": 0}"#
        if let wall {
            return
                #"{"responseContext": \#(context), "playabilityStatus": \#(wall.playabilityStatus), "trackingParams": "CAAQu2kiEwiZrKjp3-eNAxXimsIBHTHfKdc="}"#
        }
        let captions = tracks.isEmpty ? "" : #", "captions": \#(captions(id, tracks: tracks, gate: false))"#
        return
            #"{"responseContext": \#(context), "playabilityStatus": {"status": "OK", "playableInEmbed": true, "contextParams": "Q0FFU0FnZ0M="}, "streamingData": {"expiresInSeconds": "21540", "formats": [{"itag": 18, "mimeType": "video/mp4; codecs=\"avc1.42001E, mp4a.40.2\"", "qualityLabel": "360p"}]}\#(captions), "videoDetails": \#(videoDetails(id)), "trackingParams": "CAAQu2kiEwjHz7_d1OmNAxXMBXMJHfbbKUw="}"#
    }

    /// The WEB watch page: `ytInitialPlayerResponse` with the microformat (publish date) and gated caption URLs.
    static func watchPage(_ id: String, tracks: [Track], wall: Wall?) -> String {
        let status = wall?.playabilityStatus ?? #"{"status": "OK", "playableInEmbed": true}"#
        let captions = tracks.isEmpty || wall != nil ? "" : #", "captions": \#(captions(id, tracks: tracks, gate: true))"#
        let player =
            #"{"responseContext": {"serviceTrackingParams": [{"service": "CSI", "params": [{"key": "c", "value": "WEB"}]}]}, "playabilityStatus": \#(status)\#(captions), "videoDetails": \#(videoDetails(id)), "microformat": {"playerMicroformatRenderer": {"title": {"simpleText": "Video \#(id)"}, "publishDate": "2025-03-04T05:06:07-08:00", "uploadDate": "2025-03-04T05:06:07-08:00", "category": "Education"}}}"#
        return
            #"<!DOCTYPE html><html lang="en" dir="ltr"><head><meta itemprop="datePublished" content="2025-03-04T05:06:07-08:00"><script nonce="x">var ytcfg={"INNERTUBE_API_KEY":"AIzaSyAO_FJ2SlqU8Q4STEHLGCilw_Y9_11qcW8","INNERTUBE_CLIENT_VERSION":"2.20260701.00.00"};</script><script nonce="x">var ytInitialPlayerResponse = \#(player);var meta = document.createElement('meta');</script></head><body><div id="player"></div></body></html>"#
    }

    /// The consent interstitial, as recorded (trimmed to its form).
    package static func consentPage(_ id: String) -> String {
        #"<!DOCTYPE html><html lang="de" dir="ltr"><head><title>Bevor Sie zu YouTube weitergehen</title></head><body><div class="box"><h1>Bevor Sie zu YouTube weitergehen</h1><p>Google verwendet Cookies und Daten, um Dienste und Werbung zur Verfügung zu stellen.</p><form action="https://consent.youtube.com/s" method="POST" style="display:inline;"><input type="hidden" name="gl" value="DE"><input type="hidden" name="continue" value="https://www.youtube.com/watch?v=\#(id)"><input type="hidden" name="v" value="cb.20210328-17-p0.de+FX+119"><input type="submit" value="Ich stimme zu" class="button"/></form></div></body></html>"#
    }

    /// A caption body in the format asked (`json3`, `srv3`, else srv1), of `lines` lines.
    package static func captionBody(format: String?, language: String, automatic: Bool, lines: [String]) -> String {
        switch format {
        case "json3":
            let events = lines.enumerated().map { index, line in
                #"{"tStartMs": \#(index * 2000), "dDurationMs": 2000, "segs": [{"utf8": \#(JSONText.string(line))}]}"#
            }
            return
                #"{"wireMagic": "pb3", "pens": [{}], "events": [{"tStartMs": 0, "dDurationMs": 1000, "id": 1, "wpWinPosId": 1}, \#(events.joined(separator: ", "))]}"#
        case "srv3":
            let paragraphs = lines.enumerated().map { index, line in
                let words = line.split(separator: " ").enumerated().map { offset, word in
                    "<s\(offset == 0 ? "" : " t=\"\(offset * 200)\"") ac=\"0\">\(offset == 0 ? "" : " ")\(xmlEscaped(String(word)))</s>"
                }
                return "<p t=\"\(index * 2000)\" d=\"2000\" w=\"1\">\(automatic ? words.joined() : xmlEscaped(line))</p>"
            }
            return
                #"<?xml version="1.0" encoding="utf-8" ?><timedtext format="3"><head><ws id="0"/><wp id="0"/></head><body>\#(paragraphs.joined())</body></timedtext>"#
        default:
            let texts = lines.enumerated().map { index, line in "<text start=\"\(index * 2).0\" dur=\"2.0\">\(xmlEscaped(xmlEscaped(line)))</text>" }
            return #"<?xml version="1.0" encoding="utf-8" ?><transcript>\#(texts.joined())</transcript>"#
        }
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
