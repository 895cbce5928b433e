import Foundation
import YTV2Core
import YTV2Store

/// What the bot shows, as the legacy bot showed it: the variant keyboard (its order and labels, ✅ on stored
/// variants, an "📄 Open summary" link once any is stored), the level choice of the French and Spanish narrations,
/// a summary's header and the buttons under it. Callback data stays far below Telegram's 64 bytes:
/// `v|<id>|<variant>` runs a variant, `L|<id>|<audio-fr|audio-es>` opens the level choice, `k|<id>` shows the keyboard,
/// `l|<id>|<variant>` speaks a summary, `d|`/`D|`/`x|<id>` ask, confirm and cancel a delete.
package enum TelegramScreens {
    typealias Button = TelegramClient.Button

    /// The legacy keyboard's labels.
    static let labels: [String: String] = [
        "comprehensive": "📝 Comprehensive", "bullet-points": "🎯 Key Points", "key-insights": "💡 Key Insights", "audio": "🎙️ Audio",
        "audio-fr": "🎙️ Audio FR 🇫🇷", "audio-es": "🎙️ Audio ES 🇪🇸",
    ]

    /// The variant keyboard: Comprehensive | Key Points, Key Insights | Audio, Audio FR | Audio ES, then the summary
    /// link and Delete once something is stored.
    static func keyboard(for id: VideoID, stored: Set<String>, dashboard: DashboardLink) -> [[Button]] {
        func button(_ variant: String, data: String) -> Button {
            Button(text: (labels[variant] ?? variant) + (stored.contains(variant) ? " ✅" : ""), data: data)
        }
        var rows: [[Button]] = [
            [button("comprehensive", data: "v|\(id.rawValue)|comprehensive"), button("bullet-points", data: "v|\(id.rawValue)|bullet-points")],
            [button("key-insights", data: "v|\(id.rawValue)|key-insights"), button("audio", data: "v|\(id.rawValue)|audio")],
            [button("audio-fr", data: "L|\(id.rawValue)|audio-fr"), button("audio-es", data: "L|\(id.rawValue)|audio-es")],
        ]
        if !stored.isEmpty {
            if let url = dashboard.report(id) { rows.append([Button(text: "📄 Open summary", url: url)]) }
            rows.append([Button(text: "🗑 Delete", data: "d|\(id.rawValue)")])
        }
        return rows
    }

    /// The keyboard's message.
    static func keyboardText(for id: VideoID, title: String?, stored: Set<String>, dashboard: DashboardLink) -> String {
        var text = "🎬 \(title ?? id.canonicalURL)\n"
        if !stored.isEmpty {
            let names = SummaryVariant.preferenceOrder.filter { stored.contains($0.id) }.map(\.label)
            text += "✅ Stored: \(names.joined(separator: ", "))\n"
            if dashboard.report(id) == nil, let link = dashboard.plainReport(id) { text += "📄 \(link)\n" }
        }
        return text + "\nChoose your summary type:"
    }

    /// The level choice of a narration, in its language (the legacy's words); advanced is the default.
    static func levels(for id: VideoID, variant: String) -> (text: String, buttons: [[Button]]) {
        let french = variant == "audio-fr"
        let names = french ? ["🟢 Débutant", "🟡 Intermédiaire", "🔵 Avancé"] : ["🟢 Principiante", "🟡 Intermedio", "🔵 Avanzado"]
        let levels = ["beginner", "intermediate", "advanced"]
        let text =
            french
            ? "🇫🇷 Choisissez votre niveau de français (avancé par défaut) :" : "🇪🇸 Elige tu nivel de español (avanzado por defecto):"
        return (
            text,
            [
                zip(names, levels).map { Button(text: $0, data: "v|\(id.rawValue)|\(variant):\($1)") },
                [Button(text: french ? "⬅️ Retour" : "⬅️ Volver", data: "k|\(id.rawValue)")],
            ]
        )
    }

    /// The header of a summary in the chat: title, channel, duration and the reading time it saves, the variant.
    static func header(title: String?, channel: String?, durationSeconds: Int?, summary: String, variant: String) -> TelegramText.Message {
        let duration = durationLine(durationSeconds, words: summary.split(whereSeparator: \.isWhitespace).count)
        let name = variantName(variant)
        let html = [
            "🎬 <b>\(TelegramText.escaped(title ?? "Untitled"))</b>", "📺 \(TelegramText.escaped(channel ?? "Unknown channel"))", duration.html, "",
            "📝 <b>\(TelegramText.escaped(name)) Summary:</b>",
        ]
        let plain = ["🎬 \(title ?? "Untitled")", "📺 \(channel ?? "Unknown channel")", duration.plain, "", "📝 \(name) Summary:"]
        return TelegramText.Message(html: html.joined(separator: "\n"), plain: plain.joined(separator: "\n"))
    }

    /// "Key Insights", "Audio FR (Beginner)".
    static func variantName(_ variant: String) -> String {
        let parts = variant.split(separator: ":", maxSplits: 1).map(String.init)
        let base =
            ["audio-fr": "Audio FR", "audio-es": "Audio ES", "audio": "Audio", "bullet-points": "Key Points"][parts[0]]
            ?? SummaryVariant.fromIDOrLabel(parts[0])?.label ?? parts[0]
        return parts.count > 1 ? "\(base) (\(parts[1].capitalized))" : base
    }

    /// `⏱️ Duration: 12:34 → ~2 min read (⏰ Saves 10:34)`: the summary read at 200 words a minute.
    static func durationLine(_ seconds: Int?, words: Int) -> (html: String, plain: String) {
        guard let seconds, seconds > 0 else { return ("⏱️ <b>Duration</b>: Unknown", "⏱️ Duration: Unknown") }
        let reading = max(1, (words + 199) / 200)
        var line = clock(seconds)
        if seconds > reading * 60 { line += " → ~\(reading) min read (⏰ Saves \(clock(seconds - reading * 60)))" }
        return ("⏱️ <b>Duration</b>: " + TelegramText.escaped(line), "⏱️ Duration: " + line)
    }

    static func clock(_ seconds: Int) -> String {
        let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        return hours > 0 ? String(format: "%02d:%02d:%02d", hours, minutes, rest) : String(format: "%02d:%02d", minutes, rest)
    }

    /// The buttons under a summary: 📊 Dashboard and 📄 Open Summary (links), ▶️ Listen, ➕ Add Variant.
    static func afterSummary(_ id: VideoID, variant: String, dashboard: DashboardLink) -> [[Button]] {
        var rows: [[Button]] = []
        let links = [
            dashboard.home.map { Button(text: "📊 Dashboard", url: $0) }, dashboard.report(id).map { Button(text: "📄 Open Summary", url: $0) },
        ]
        .compactMap { $0 }
        if !links.isEmpty { rows.append(links) }
        rows.append([Button(text: "▶️ Listen", data: "l|\(id.rawValue)|\(variant)")])
        rows.append([Button(text: "➕ Add Variant", data: "a|\(id.rawValue)")])
        return rows
    }
}

/// The dashboard's address as the bot links it. Telegram refuses a link button whose host is not a public name
/// ("Bad Request: BUTTON_URL_INVALID" for `localhost` and other hosts without a dot), and a phone could not open a
/// loopback address anyway: such a dashboard gets no link buttons, only the link in the text.
package struct DashboardLink: Sendable {
    package let base: String

    package init(_ base: String) { self.base = base.hasSuffix("/") ? String(base.dropLast()) : base }

    /// Whether Telegram accepts the address in a button.
    var isPublic: Bool {
        guard let url = URL(string: base), let scheme = url.scheme, scheme == "http" || scheme == "https", let host = url.host?.lowercased()
        else { return false }
        return host.contains(".") && !host.hasPrefix("127.") && host != "0.0.0.0" && !host.hasSuffix(".localhost") && !host.hasPrefix("[")
    }

    var home: String? { isPublic ? base : nil }
    func report(_ id: VideoID) -> String? { isPublic ? plainReport(id) : nil }
    func plainReport(_ id: VideoID) -> String? { "\(base)/#report=yt:\(id.rawValue)" }
}
