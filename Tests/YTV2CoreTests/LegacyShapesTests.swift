import Testing
import YTV2Core

/// The value rules the real legacy data needs: placeholders, report file stems, list previews.
@Suite struct LegacyShapesTests {
    @Test(arguments: ["Untitled", "untitled", "  Video ", "VIDEO", "Unknown", "", "   ", "Untitled Video"])
    func placeholderTitles(_ title: String) {
        #expect(Placeholder.isTitle(title))
    }

    @Test(arguments: ["Untitled: the story", "Video games explained", "A video", "東京", "0"])
    func realTitles(_ title: String) {
        #expect(!Placeholder.isTitle(title))
    }

    @Test(arguments: ["Unknown", "unknown channel", "tested", "@tested", "veritasium", "tom.scott_2", "", "N/A"])
    func placeholderChannels(_ channel: String) {
        #expect(Placeholder.isChannelName(channel))
    }

    @Test(arguments: ["Adam Savage’s Tested", "Veritasium", "Le Monde", "東京チャンネル", "3Blue1Brown", "le monde", "TED"])
    func realChannels(_ channel: String) {
        #expect(!Placeholder.isChannelName(channel))
    }

    @Test func countsAndTexts() {
        #expect(Placeholder.isCount(0))
        #expect(!Placeholder.isCount(1))
        #expect(Placeholder.isText(" \t"))
        #expect(!Placeholder.isText("en"))
    }

    @Test func reportStemsNameTheirVideo() throws {
        let id = try VideoID("IjbM-M1DqzE")
        #expect(VideoID.candidates(inReportStem: "IjbM-M1DqzE_20250901_132334") == [id])
        #expect(VideoID.candidates(inReportStem: "IjbM-M1DqzE_20250901_132334.json") == [id])
        #expect(VideoID.candidates(inReportStem: "how-to-build-a-robot_IjbM-M1DqzE") == [id])
        #expect(VideoID.candidates(inReportStem: "how-to-build-a-robot_IjbM-M1DqzE_1") == [id])
        // The id may itself hold underscores and dashes.
        #expect(VideoID.candidates(inReportStem: "some_title_ab_cd-EF_gh") == [try VideoID("ab_cd-EF_gh")])
        // A name without an id, as `unknown_video_<timestamp>` reports are, gives none.
        #expect(VideoID.candidates(inReportStem: "unknown_video_1704067200").isEmpty)
        #expect(VideoID.candidates(inReportStem: "short").isEmpty)
        #expect(VideoID.candidates(inReportStem: "").isEmpty)
    }

    @Test func previewsArePlainTextCutAtAWord() {
        let text = "**Overview:**\n• The video explains __idea__ one with `code` and snake_case names\n- second point\n\n## Bottom line: yes"
        #expect(
            SummaryPreview.make(text)
                == "Overview: The video explains idea one with code and snake_case names second point Bottom line: yes"
        )
        let long = String(repeating: "word ", count: 200)
        let preview = SummaryPreview.make(long)
        #expect(preview.hasSuffix("…"))
        #expect(preview.count <= SummaryPreview.length + 1)
        #expect(!preview.contains("  "))
        // A prefix of the text gives the same preview as the whole text (list reads fetch only a prefix).
        let realistic = String(repeating: "**Point:** • a fairly long sentence about the video's subject.\n", count: 80)
        let prefix = String(String.UnicodeScalarView(realistic.unicodeScalars.prefix(SummaryPreview.sourcePrefixLength)))
        #expect(SummaryPreview.make(prefix) == SummaryPreview.make(realistic))
        #expect(SummaryPreview.make("") == "")
    }
}
