import Foundation
import YTV2Core
import YTV2Legacy

/// Texts shaped like the real legacy data, for benchmarks and tests that must see real sizes: summaries of 566 bytes
/// to 6.3 KB (3.7 KB on average) in the processor's markdown-like form (`**Heading:**` lines, `•` bullets, `Bottom
/// line:`), titles of about 44 characters, channel names from a few hundred. Deterministic for a seed and an index,
/// and independent of the fixtures' own random stream, so a realistic file has the same rows as a compact one.
enum RealisticText {
    /// Common English words beside topic words, so searches for either find what they would in real data.
    static let words: [String] = """
        the of and to in a is that for it as with was on be by this are from at or have an they which one you were \
        all we there can been has more if will would about when what their so up out into than them some time only new \
        these could other how then its also two first way because over most after where even through back much before \
        well years world people video channel explains shows about between history database system software model data \
        design energy climate music economy market city science space planet research engine language network security \
        performance memory learning training camera battery phone computer chip robot garden kitchen recipe bread coffee \
        travel river mountain ocean island war empire revolution century king queen city bridge tower ancient modern \
        strategy business startup founder money finance investing tax housing health sleep brain body exercise running \
        football tennis chess guitar piano song album film series episode review interview lecture tutorial guide \
        beginner advanced framework library server client browser cloud storage query index cache latency throughput \
        swift rust python javascript postgres linux kernel compiler concurrency thread async protocol encryption \
        physics chemistry biology mathematics theorem proof equation quantum particle galaxy telescope rocket satellite \
        electric solar wind nuclear carbon water food farming forest animal bird ocean weather storm earthquake volcano
        """.split(separator: " ").map(String.init).filter { !$0.isEmpty && $0 != "\n" }

    static let adjectives = [
        "Curious", "Practical", "Daily", "Deep", "Simple", "Modern", "Ancient", "Clever", "Honest", "Quiet", "Bright", "Open",
        "Tiny", "Grand", "Wild", "Future", "Classic", "Hidden", "Lazy", "Rapid",
    ]
    static let nouns = [
        "Circuits", "Kitchen", "Historian", "Engineer", "Garden", "Atlas", "Lab", "Notebook", "Workshop", "Channel", "Academy",
        "Explorer", "Studio", "Review", "Physics", "Markets", "Stories", "Machines", "Voyages", "Minds", "Tested",
    ]

    /// One of 420 channel names ("Curious Circuits").
    static func channel(_ index: Int) -> String {
        let slot = (index &* 7_919) % (adjectives.count * nouns.count)
        return "\(adjectives[slot % adjectives.count]) \(nouns[slot / adjectives.count])"
    }

    /// A title of about 44 characters.
    static func title(index: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15) ^ 0x7469_746C)
        var title = ""
        while title.count < 30 + Int(random.next() % 28) {
            let word = words[Int(random.next() % UInt64(words.count))]
            let capitalized: String = word.prefix(1).uppercased() + word.dropFirst()
            title += title.isEmpty ? capitalized : " " + word
        }
        return title
    }

    /// A summary of the processor's shape; its length follows the real distribution.
    static func summary(index: Int, variant: String, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xBF58_476D_1CE4_E5B9) ^ UInt64(variant.utf8.count))
        let draws: UInt64 = random.next() % 1_000 + random.next() % 1_000 + random.next() % 1_000
        let spread = Double(draws) / 3_000
        let target = 566 + Int(5_734 * Foundation.pow(spread, 0.85))
        func sentence() -> String {
            let count = 8 + Int(random.next() % 10)
            var words: [String] = []
            for _ in 0..<count { words.append(Self.words[Int(random.next() % UInt64(Self.words.count))]) }
            let first: String = words[0].prefix(1).uppercased() + words[0].dropFirst()
            return first + " " + words.dropFirst().joined(separator: " ") + "."
        }
        var text = "**Overview:** " + sentence() + " " + sentence() + "\n\n**Key points:**\n"
        var section = 0
        while text.utf8.count < target - 120 {
            if section % 6 == 5 { text += "\n**" + ["Details", "Context", "Examples", "Why it matters"][section % 4] + ":** " }
            text += (section % 6 == 5 ? "" : "• ") + sentence() + "\n"
            section += 1
        }
        text += "\nBottom line: " + sentence()
        return text
    }
}
