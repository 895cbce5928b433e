import Foundation
import Testing
import YTV2Core

@Suite struct LegacySummaryTextTests {
    @Test func plainMarkdownStaysAsItIs() {
        let text = "**Overview:**\n• One\n- Two\n– Three\nBottom line: fine."
        let result = LegacySummaryText.normalize(text, variant: .comprehensive)
        #expect(result.normalized == text)
        #expect(result.notes.isEmpty)
    }

    @Test func jsonDictPicksTheVariantKey() {
        #expect(
            LegacySummaryText.normalize(#"{"comprehensive": "Full text", "bullet_points": "- a"}"#, variant: .comprehensive).normalized == "Full text"
        )
        #expect(LegacySummaryText.normalize(#"{"comprehensive": "Full text", "bullet_points": "- a"}"#, variant: .bulletPoints).normalized == "- a")
        #expect(LegacySummaryText.normalize(#"{"key_points": ["a", "b"]}"#, variant: .bulletPoints).normalized == "• a\n• b")
    }

    @Test func pythonLiteralWithApostrophesAndNone() {
        let raw = #"{'summary': "It's a test of Python's repr", 'headline': 'Head', 'extra': None, 'ok': True}"#
        let result = LegacySummaryText.normalize(raw, variant: .audio)
        #expect(result.normalized == "It's a test of Python's repr")
        #expect(!result.notes.isEmpty)
    }

    @Test func nestedDictsAndSerializedStrings() {
        #expect(LegacySummaryText.normalize(#"{"summary": {"comprehensive": "Deep"}}"#, variant: .comprehensive).normalized == "Deep")
        #expect(LegacySummaryText.normalize(#""{\"summary\": \"Twice serialized\"}""#, variant: .comprehensive).normalized == "Twice serialized")
    }

    @Test func literalBackslashNOnlyWithoutRealNewlines() {
        #expect(LegacySummaryText.normalize(#"One\nTwo"#, variant: .comprehensive).normalized == "One\nTwo")
        #expect(
            LegacySummaryText.normalize("Real\nnewline and a literal \\n kept", variant: .comprehensive).normalized
                == "Real\nnewline and a literal \\n kept"
        )
    }

    /// The newlines of a text without real ones are found in its bytes; the result is Foundation's search-and-replace
    /// of the same text (which does not take an `n` joined by a combining mark for an `n`), for texts made of pieces
    /// that meet every case: escapes back to back, a doubled backslash, marks after the `n` and after the backslash.
    @Test func literalBackslashNBecomesANewlineAsFoundationReplacesIt() {
        #expect(LegacySummaryText.normalize(#"a\\nb\n\nc"#, variant: .comprehensive).normalized == "a\\\nb\n\nc")
        let pieces = ["\\", "n", "\\n", "\u{301}", "\u{200D}", "\u{600}", "\u{903}", "a", "é", " ", "•", "–", "한"]
        var random = SplitMix64(seed: 11)
        var differing: [String] = []
        for _ in 0..<20_000 {
            let text = "x" + (0..<Int(random.next() % 10)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined() + "x"
            let expected = text.replacingOccurrences(of: "\\n", with: "\n")
            let normalized = LegacySummaryText.normalize(text, variant: .comprehensive)
            // Noted whenever a backslash-n is there, even one Foundation leaves (an `n` joined by a mark).
            let bytes = Array(text.utf8)
            let noted = bytes.indices.dropLast().contains { bytes[$0] == 0x5C && bytes[$0 + 1] == UInt8(ascii: "n") }
            if normalized.normalized != expected || normalized.notes.isEmpty == noted { differing.append(text) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5).map(\.debugDescription))")
    }

    @Test func textThatOnlyLooksLikeADictIsKept() {
        #expect(LegacySummaryText.normalize("{not a dict} but text", variant: .comprehensive).normalized == "{not a dict} but text")
        #expect(LegacySummaryText.normalize(#"{"unrelated": 1}"#, variant: .comprehensive).normalized == #"{"unrelated": 1}"#)
    }

    @Test func looseValueParsesBothNotations() {
        #expect(
            LooseValue.parse(#"{'a': [1, 2.5, 'x'], "b": None, 'c': False}"#)
                == .object([
                    ("a", .array([.number(1), .number(2.5), .string("x")])), ("b", .null), ("c", .bool(false)),
                ])
        )
        #expect(LooseValue.parse("{'a': ") == nil)
        #expect(LooseValue.parse(String(repeating: "[", count: 500)) == nil)
    }
}
