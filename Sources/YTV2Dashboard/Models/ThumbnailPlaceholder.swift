/// What stands in for a thumbnail that cannot load (a NAS or a private network without internet): the title's
/// initial on the channel's colour. The browser UI (`static/app.js`, `placeholderHue`) computes the same colour with
/// the same hash, so a channel looks the same on the cards and on its report pages.
enum ThumbnailPlaceholder {
    /// The palette's size: `.hue-0` … `.hue-7` in the style sheets, each dark enough for white text.
    static let hues: UInt32 = 8

    /// A colour index from the channel's name (the title's when there is no channel): 31-based hash of UTF-16 units.
    static func hue(channel: String?, title: String) -> Int {
        var hash: UInt32 = 0
        for unit in (channel?.isEmpty == false ? channel! : title).utf16 { hash = hash &* 31 &+ UInt32(unit) }
        return Int(hash % hues)
    }

    /// The title's first letter or digit, upper-cased; a play sign for a title without one.
    static func initial(of title: String) -> String {
        title.first { $0.isLetter || $0.isNumber }.map { String($0).uppercased() } ?? "▶"
    }
}
