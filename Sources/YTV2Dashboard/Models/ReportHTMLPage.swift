import Foundation
import YTV2Core
import YTV2Store

/// The server-rendered report page (`/r/<id>`, `/<id>.json?v=2`): hero, metadata, chips, player and every summary
/// variant. Every value from the database is escaped; summary HTML comes only from ``SummaryHTML``.
enum ReportHTMLPage {
    static func render(_ record: ReportRecord) -> String {
        let e = SummaryHTML.escape
        let id = record.videoID
        var chips = ""
        for entry in record.categorization?.entries ?? [] {
            chips += "<span class=\"chip\">\(e(entry.category))</span>"
            for sub in entry.subcategories { chips += "<span class=\"chip sub\">\(e(sub))</span>" }
        }
        var meta: [String] = []
        if let channel = record.channelName { meta.append(e(channel)) }
        if let published = record.publishedAt { meta.append(APIDate.string(published).prefix(10).description) }
        if let duration = record.durationSeconds { meta.append("\(duration / 60):" + String(format: "%02d", duration % 60)) }
        if let language = record.language { meta.append(e(language)) }
        var variants = ""
        for summary in record.summaries {
            variants += """
                <section class="variant" id="variant-\(e(summary.variant.id))"><h2>\(e(summary.variant.label))</h2>\
                <div class="summary">\(summary.renderedHTML)</div></section>
                """
        }
        let player =
            record.hasAudio
            ? "<audio controls preload=\"none\" src=\"\(e(ReportItem.audioURL(id)))\"></audio>" : ""
        // The placeholder sits under the image and shows when it cannot load (report.js then removes the image).
        let hue = ThumbnailPlaceholder.hue(channel: record.channelName, title: record.title)
        let thumbnail = """
            <div class="thumb hue-\(hue)"><span aria-hidden="true">\(e(ThumbnailPlaceholder.initial(of: record.title)))</span>\
            <img src="\(e(record.thumbnailURL ?? id.defaultThumbnailURL))" alt=""></div>
            """
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(record.title)) · YTV2</title><link rel="icon" href="data:,"><meta name="color-scheme" content="light dark">
            <link rel="stylesheet" href="/static/report.css"><script src="/static/report.js" defer></script></head>
            <body class="report-page"><main>
            <header class="hero">\(thumbnail)
            <h1>\(e(record.title))</h1><p class="meta">\(meta.joined(separator: " · "))</p><p class="chips">\(chips)</p>
            \(player)<p><a href="\(e(id.canonicalURL))" rel="noopener noreferrer">Watch on YouTube</a> · <a href="/?report=\(e(id.apiID))">Open in dashboard</a></p></header>
            \(variants)
            </main></body></html>
            """
    }
}
