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
