import Foundation
import Testing
import YTV2Fakes

@testable import YTV2Processor

/// The markdown-to-Telegram renderer, checked with the fake Bot API's own reading of HTML (``TelegramEntities``).
@Suite struct TelegramTextTests {
    @Test func markdownBecomesTelegramHTML() {
        #expect(TelegramText.html(line: "## Key *points* & <tags>") == "<b>Key <i>points</i> &amp; &lt;tags&gt;</b>")
        #expect(
            TelegramText.html(line: "- **Bold** and `x < 1` [docs](https://e.com/a?b=1&c=2)")
                == "• <b>Bold</b> and <code>x &lt; 1</code> <a href=\"https://e.com/a?b=1&amp;c=2\">docs</a>"
        )
        #expect(TelegramText.html(line: "a snake_case_name, 3 * 4 and **unclosed") == "a snake_case_name, 3 * 4 and **unclosed")
        #expect(TelegramText.html(line: "  * nested _item_") == "  • nested <i>item</i>")
    }

    @Test func randomMarkdownAlwaysGivesHTMLTelegramAccepts() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab c*_`[]()#-!.<>&\\|~ \n" + "**" + "__" + "https://x.io ")
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let line = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
                let html = TelegramText.html(line: String(part))
                if case .failure(let problem) = TelegramEntities.visibleText(html, parseMode: "HTML") {
                    Issue.record("\(part.debugDescription) gave \(html.debugDescription): \(problem.text)")
                }
            }
        }
    }

    @Test func longTextIsCutIntoValidMessagesUnderTheLimitAndNothingIsLost() throws {
        let header = TelegramText.Message(html: "<b>Title</b>", plain: "Title")
        let body =
            (1...400).map { "- Item \($0): **bold** text, _italic_, and a < b & c." }.joined(separator: "\n")
            + "\n\n" + String(repeating: "Q", count: 9_000)
        let messages = TelegramText.messages(header: header, markdown: body)
        #expect(messages.count > 5)
        var visible = ""
        for message in messages {
            #expect(message.html.utf16.count <= TelegramText.limit)
            guard case .success(let text) = TelegramEntities.visibleText(message.html, parseMode: "HTML") else {
                Issue.record("invalid HTML: \(message.html.prefix(200))")
                continue
            }
            visible += text
        }
        #expect(visible.filter { $0 == "Q" }.count == 9_000)
        #expect((1...400).allSatisfy { visible.contains("Item \($0): bold text, italic, and a < b & c.") })
    }
}
