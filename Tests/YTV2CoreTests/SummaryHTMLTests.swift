import Testing
import YTV2Core

@Suite struct SummaryHTMLTests {
    @Test func rendersHeadingsBulletsAndBold() {
        let html = SummaryHTML.render("**Key points:**\n• First **big** point\n- Second\n\nBottom line: fine.\nNext line")
        #expect(html == "<h3>Key points:</h3><ul><li>First <strong>big</strong> point</li><li>Second</li></ul><p>Bottom line: fine.<br>Next line</p>")
    }

    @Test(arguments: [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
        "**<svg onload=alert(1)>**", "• <iframe src=//evil>", "# <b onclick='x()'>h</b>",
    ])
    func neverEmitsMarkupFromTheInput(_ hostile: String) {
        let html = SummaryHTML.render(hostile)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<a "))
        #expect(!html.contains("<svg"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<b "))
        #expect(html.contains("&lt;"))
    }

    @Test func unpairedBoldStaysText() {
        #expect(SummaryHTML.render("a ** b") == "<p>a ** b</p>")
    }

    @Test func boldPairsAreFoundLeftToRight() {
        #expect(SummaryHTML.render("a ***b** c **d") == "<p>a <strong>*b</strong> c **d</p>")
        #expect(SummaryHTML.render("line one\r\n**Heading**\rlast") == "<p>line one</p><h3>Heading</h3><p>last</p>")
    }

    /// A quote or bracket followed by a combining mark is a single `Character` that is not `"` or `<`; it must be
    /// escaped all the same, or a title could end an attribute value on the report page.
    @Test func escapesMarkupBytesEvenWhenACombiningMarkFollows() {
        let hostile = "x\"\u{301} onmouseover=alert(1) <\u{301}img src=x> &\u{301} '\u{301}"
        let escaped = SummaryHTML.escape(hostile)
        #expect(!escaped.unicodeScalars.contains { "\"<>'".unicodeScalars.contains($0) })
        #expect(escaped == "x&quot;\u{301} onmouseover=alert(1) &lt;\u{301}img src=x&gt; &amp;\u{301} &#39;\u{301}")
        #expect(!SummaryHTML.render("• " + hostile).unicodeScalars.contains("\""))
        #expect(SummaryHTML.escape("plain café ☕") == "plain café ☕")
    }

    /// The renderer applies its rules to bytes where every character is one scalar, and to characters elsewhere: a mark
    /// that joins the `#`, the bullet's space or a `*` into another character makes the line plain text, as it did.
    @Test func aCombiningMarkAfterAMarkerKeepsTheLineText() {
        #expect(SummaryHTML.render("#\u{301} Title") == "<p>#\u{301} Title</p>")
        #expect(SummaryHTML.render("## \u{301}Title") == "<h3>\u{301}Title</h3>")
        #expect(SummaryHTML.render("- \u{301}item\n* \u{200D}x") == "<p>- \u{301}item<br>* \u{200D}x</p>")
        #expect(SummaryHTML.render("• café – “quoted”…") == "<ul><li>café – “quoted”…</li></ul>")
        #expect(SummaryHTML.render("**Überblick:**\n**\u{0600}x**") == "<h3>Überblick:</h3><h3>\u{0600}x</h3>")
        #expect(SummaryHTML.render("\u{0600}**x**") == "<p>\u{0600}<strong>x</strong></p>")
    }

    /// Texts drawn from pieces that make every rule and every kind of character meet: the renderer gives what the
    /// rules on `String`s and `Character`s give (SummaryHTMLByCharacters).
    @Test func rendersAsTheRulesOnCharactersDo() {
        let pieces = [
            "•", " ", "-", "–", "—", "*", "**", "#", "\n", "\n\n", "\r", "\r\n", "\t", "a", "bc", "é", "e\u{301}", "\u{301}",
            "\u{200D}", "\u{0600}", "<", "&", "\"", "'", ">", "🇫🇷", "한", "\u{2028}", "\u{203C}", "…", "’", "\u{85}", "\u{AD}",
            "ß", "ʼ", "\u{2E3A}",
        ]
        var random = SplitMix64(seed: 7)
        var differing: [String] = []
        for _ in 0..<30_000 {
            let text = (0..<Int(random.next() % 14)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            if SummaryHTML.render(text) != SummaryHTMLByCharacters.render(text) { differing.append(text) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5).map(\.debugDescription))")
    }
}
