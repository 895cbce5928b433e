import Testing
import YTV2Core

@Suite struct LooseValueTests {
    /// Strings come out as they were meant, whichever quotes and escapes the legacy writer used and whatever
    /// characters they hold.
    @Test func stringsKeepEveryCharacterAndEveryEscape() {
        let cases: [(String, String)] = [
            (#""plain""#, "plain"),
            (#"''"#, ""),
            (#"'It\'s'"#, "It's"),
            (#""say \"hi\"""#, #"say "hi""#),
            (#""a\nb\tc\rd\\e\/f""#, "a\nb\tc\rd\\e/f"),
            (#""\u00e9t\u00E9 \u2014 \u65e5""#, "été — 日"),
            (#"'caf\xe9'"#, "café"),
            (#""\ud83c""#, "\u{FFFD}"),
            (#""\é\🎬 \q""#, "é🎬 q"),
            ("\"ünïcödé — 日本語 🎬 \u{301}e\"", "ünïcödé — 日本語 🎬 \u{301}e"),
            ("'" + String(repeating: "## Heading\n- point é 🎬\n", count: 300) + "'", String(repeating: "## Heading\n- point é 🎬\n", count: 300)),
        ]
        for (text, expected) in cases {
            #expect(LooseValue.parse(text) == .string(expected), "\(text.prefix(40))")
        }
    }

    @Test func stringsInsideObjectsAndArrays() {
        #expect(
            LooseValue.parse(#"{'summary': "Line one\nLine \"two\" — ✓", "points": ['a', "b\u0021"]}"#)
                == .object([("summary", .string("Line one\nLine \"two\" — ✓")), ("points", .array([.string("a"), .string("b!")]))])
        )
    }

    @Test func anUnfinishedStringOrEscapeIsNoValue() {
        for text in [#""open"#, #"'ends with \"#, #""\u12""#, #""\xz1""#, #""\u00é9""#, "[nüll]"] {
            #expect(LooseValue.parse(text) == nil, "\(text)")
        }
    }
}
