import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import YTV2Core

/// The page a browser gets instead of an API error's JSON: the status, the sentence, and a way back. Which one a
/// request gets is decided by its `Accept` header alone (``prefersHTML(_:)``), so API clients keep their JSON.
enum ErrorHTMLPage {
    /// Whether `accept` ranks `text/html` above `application/json`. Browsers navigating send
    /// `text/html,…,*/*;q=0.8`; `fetch`, curl and the API clients send `*/*` or `application/json` and get JSON (a tie
    /// goes to JSON).
    static func prefersHTML(_ accept: String?) -> Bool {
        guard let accept, !accept.isEmpty else { return false }
        var html: Double?
        var json: Double?
        var anyText: Double?
        var any: Double?
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 1
            }
            switch type {
            case "text/html": html = quality
            case "application/json": json = quality
            case "text/*": anyText = quality
            case "*/*": any = quality
            default: break
            }
        }
        let htmlQuality = html ?? anyText ?? any ?? 0
        let jsonQuality = json ?? any ?? 0
        return htmlQuality > jsonQuality
    }

    static func response(status: HTTPResponse.Status, message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: render(status: status, message: message))))
    }

    static func render(status: HTTPResponse.Status, message: String) -> String {
        let e = SummaryHTML.escape
        let sentence = message.prefix(1).uppercased() + message.dropFirst() + (message.hasSuffix(".") ? "" : ".")
        let title = status == .notFound ? "Nothing here" : "\(status.code) \(status.reasonPhrase)"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(e(title)) · YTV2</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/report.css"></head>
            <body class="error-page"><main>
            <h1>\(e(title))</h1>
            <p class="meta">\(e(sentence)) (HTTP \(status.code))</p>
            <p><a href="/">Back to the dashboard</a></p>
            </main></body></html>
            """
    }
}
