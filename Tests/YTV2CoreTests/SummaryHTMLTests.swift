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
}
