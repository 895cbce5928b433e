import Foundation
import Testing
import YTV2Core

/// `CategoryEntry.list(fromJSON:)` reads the text PostgreSQL writes for `videos.categories` from its bytes: whatever
/// the text, it must give what `JSONDecoder` gives, entries or an error.
@Suite struct CategoryEntryJSONTests {
    /// What `JSONDecoder` makes of `text`: the entries, or nil when it throws.
    static func decoded(_ text: String) -> [CategoryEntry]? {
        try? JSONDecoder().decode([CategoryEntry].self, from: Data(text.utf8))
    }

    static func read(_ text: String) -> [CategoryEntry]? {
        try? CategoryEntry.list(fromJSON: text)
    }

    @Test func readsWhatPostgreSQLWrites() throws {
        let text =
            #"[{"category": "History", "subcategories": ["Ancient Rome", "Médiévale — Europe"]}, "#
            + #"{"category": "Science", "subcategories": []}]"#
        #expect(
            try CategoryEntry.list(fromJSON: text) == [
                CategoryEntry(category: "History", subcategories: ["Ancient Rome", "Médiévale — Europe"]),
                CategoryEntry(category: "Science", subcategories: []),
            ]
        )
        #expect(try CategoryEntry.list(fromJSON: "[]").isEmpty)
    }

    /// Texts that meet every branch of the byte reader and every reason to hand a text to the decoder.
    static let texts: [String] = [
        #"[]"#, #" [ ] "#, #"[{"category":"A","subcategories":["b"]}]"#,
        #"[{"subcategories": ["x", "y"], "category": "Order swapped"}]"#,
        #"[{"category": "Quote \" and \\ and \/ slash", "subcategories": ["tab\there", "line\nbreak\r", "\b\f"]}]"#,
        #"[{"category": "Escaped \u00e9 and \ud83d\ude00", "subcategories": []}]"#,
        #"[{"category": "👩‍🔬 e\#u{301}", "subcategories": ["日本語"]}]"#,
        #"[{"category": "Extra key", "subcategories": [], "note": 1}]"#,
        #"[{"category": "Twice", "category": "Again", "subcategories": []}]"#,
        #"[{"category": "No subcategories"}]"#, #"[{"subcategories": []}]"#, #"[{}]"#,
        #"[{"category": 5, "subcategories": []}]"#, #"[{"category": null, "subcategories": []}]"#,
        #"[{"category": "A", "subcategories": [1]}]"#, #"[{"category": "A", "subcategories": null}]"#,
        #"[{"category": "A", "subcategories": [],}]"#, #"[{"category": "A", "subcategories": []},]"#,
        #"[{"category": "A", "subcategories": []}"#, #"[{"category": "A", "subcategories": []}] x"#,
        #"{"category": "A", "subcategories": []}"#, #"[{"category": "Bad \q escape", "subcategories": []}]"#,
        "[{\"category\": \"Raw\ttab\", \"subcategories\": []}]", #"[{"category": "Unended, "subcategories": []}]"#,
        "", " ", #"["#, #"[{"category": "A" "subcategories": []}]"#, #"[{"category" "A", "subcategories": []}]"#,
        "\n[\r\n\t{\"category\"\t:\n\"A\" ,\"subcategories\" : [ \"b\" , \"c\" ] } ]\n",
    ]

    @Test func givesWhatTheDecoderGivesForEveryText() {
        for text in Self.texts {
            #expect(Self.read(text) == Self.decoded(text), "\(text)")
        }
        // Not a comparison of two refusals only: the decoder reads at least the nine texts above that are plainly valid.
        #expect(Self.texts.filter { Self.decoded($0) != nil }.count >= 9)
    }

    /// Generated texts: entries of random names (quotes, backslashes, control characters, non-ASCII), written with
    /// random spacing and, now and then, cut short.
    @Test func givesWhatTheDecoderGivesForGeneratedTexts() {
        var random = SplitMix64(seed: 7)
        let pieces = ["a", "Zeit", " ", "\\\"", "\\\\", "\\n", "\\t", "\\u0041", "é", "—", "😀", "\\/", "\t", "\""]
        func name() -> String {
            (0..<Int(random.next() % 5)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }
        func blank() -> String { ["", " ", "\n", " \t "][Int(random.next() % 4)] }
        var read = 0
        for _ in 0..<2_000 {
            let entries = (0..<Int(random.next() % 4)).map { _ in
                let subcategories = (0..<Int(random.next() % 4)).map { _ in "\"\(name())\"" }.joined(separator: "," + blank())
                return "{\"category\":\(blank())\"\(name())\",\(blank())\"subcategories\": [\(subcategories)]}"
            }
            var text = blank() + "[" + entries.joined(separator: "," + blank()) + "]" + blank()
            if random.next() % 10 == 0 { text = String(text.dropLast(Int(random.next() % 6))) }
            let decoded = Self.decoded(text)
            #expect(Self.read(text) == decoded, "\(text)")
            if decoded != nil { read += 1 }
        }
        #expect(read > 500)
    }
}
