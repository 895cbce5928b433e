/// What stands in for a thumbnail that cannot load (a NAS or a private network without internet): the title's
/// initial on the channel's colour. The browser UI (`static/app.js`, `placeholderHue`) computes the same colour with
/// the same hash, so a channel looks the same on the cards and on its report pages.
enum ThumbnailPlaceholder {
    // The palette: `.hue-0` … `.hue-7` in the style sheets (three bits), each dark enough for white text.

    /// A colour index from the channel's name (the title's when there is no channel): a 31-based hash of its UTF-16
    /// units, of which a Fibonacci multiplication keeps the top three bits (the low bits of such a hash repeat too
    /// often between similar names).
    static func hue(channel: String?, title: String) -> Int {
        var hash: UInt32 = 0
        for unit in (channel?.isEmpty == false ? channel! : title).utf16 { hash = hash &* 31 &+ UInt32(unit) }
        return Int((hash &* 2_654_435_761) >> 29)
    }

    /// The title's first letter or digit, upper-cased; a play sign for a title without one.
    static func initial(of title: String) -> String {
        title.first { $0.isLetter || $0.isNumber }.map { String($0).uppercased() } ?? "▶"
    }
}
