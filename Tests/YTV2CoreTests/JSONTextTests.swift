import Foundation
import Testing
import YTV2Core

@Suite struct JSONTextTests {
    @Test func escapesWhatJSONRequires() {
        #expect(JSONText.string("a\"b\\c\nd\re\tf\u{1}g\u{1F}é") == #""a\"b\\c\nd\re\tf\u0001g\u001fé""#)
        #expect(JSONText.string("") == #""""#)
    }

    /// Any text, written as a JSON string, reads back as the same text (control bytes, quotes and backslashes at the
    /// start, the end and back to back, beside multi-byte characters).
    @Test func everyTextReadsBackUnchanged() throws {
        let pieces = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "a", "plain text ", "é", "•", "🇫🇷", "\\n"]
        var random = SplitMix64(seed: 3)
        for _ in 0..<2_000 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let read = try JSONDecoder().decode([String].self, from: Data(("[" + JSONText.string(text) + "]").utf8))
            #expect(read == [text], "\(text.debugDescription)")
        }
    }
}
