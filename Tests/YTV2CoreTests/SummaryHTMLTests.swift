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
}
