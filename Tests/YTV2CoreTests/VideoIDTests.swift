import Testing
import YTV2Core

@Suite struct VideoIDTests {
    @Test(arguments: ["dQw4w9WgXcQ", "abc-DEF_123", "___________", "-----------"])
    func acceptsValidIDs(_ raw: String) throws {
        let id = try VideoID(raw)
        #expect(id.rawValue == raw)
        #expect(id.apiID == "yt:" + raw)
    }

    @Test(arguments: [
        "", "dQw4w9WgXc", "dQw4w9WgXcQQ", "dQw4w9WgXc!", "dQw4w9WgXc ", "yt:dqw4w9wgxcq", "dQw4w9WgXcé", "dQw4w9Wg\tcQ",
        "hash:0123456789ab",
    ])
    func rejectsInvalidIDs(_ raw: String) {
        #expect(throws: VideoIDError.self) { try VideoID(raw) }
    }

    @Test func keepsCaseAndDerivesLegacyAlias() throws {
        let id = try VideoID(apiID: "yt:dQw4w9WgXcQ")
        #expect(id.rawValue == "dQw4w9WgXcQ")
        #expect(id.legacyID == "yt:dqw4w9wgxcq")
        #expect(id.canonicalURL == "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    }

    @Test func errorNamesTheInput() {
        let error = VideoIDError(input: "nope")
        #expect(error.description.contains("\"nope\""))
    }
}

@Suite struct SummaryVariantTests {
    @Test(arguments: [
        ("summary", "comprehensive"), ("key_points", "bullet-points"), ("key-points", "bullet-points"),
        ("key_insights", "key-insights"), ("audio_summary", "audio"), ("audio_fr", "audio-fr"), ("audio_es", "audio-es"),
        ("Comprehensive", "comprehensive"), ("executive", "executive"),
    ])
    func normalizesLegacyNames(_ input: String, _ expected: String) throws {
        #expect(try SummaryVariant(input).id == expected)
    }

    @Test func splitsProficiency() throws {
        let (variant, level) = try SummaryVariant.parse("audio_fr:intermediate")
        #expect(variant == .audioFrench)
        #expect(level == .intermediate)
        #expect(variant.kind == .audio)
        #expect(SummaryVariant.comprehensive.kind == .text)
        #expect(throws: SummaryVariantError.self) { try SummaryVariant.parse("audio-fr:expert") }
    }

    @Test func acceptsLabels() {
        #expect(SummaryVariant.fromIDOrLabel("Key Points") == .bulletPoints)
        #expect(SummaryVariant.fromIDOrLabel("audio summary") == .audio)
        #expect(SummaryVariant.fromIDOrLabel("not a variant!") == nil)
    }

    @Test func ordersByPreference() {
        let shuffled: [SummaryVariant] = [.audioSpanish, .executive, .comprehensive, .audio]
        #expect(shuffled.sorted { $0.preferenceRank < $1.preferenceRank } == [.comprehensive, .executive, .audio, .audioSpanish])
    }
}

@Suite struct CategorizationTests {
    @Test func categorizedNeedsANonEmptySubcategory() {
        #expect(!Categorization(entries: [CategoryEntry(category: "History")], origin: .curated).isCategorized)
        #expect(!Categorization(entries: [CategoryEntry(category: "", subcategories: ["X"])], origin: .curated).isCategorized)
        #expect(!Categorization(entries: [CategoryEntry(category: "History", subcategories: [""])], origin: .curated).isCategorized)
        let curated = Categorization(
            entries: [CategoryEntry(category: "History", subcategories: ["Modern History", ""])],
            origin: .legacyDashboard
        )
        #expect(curated.isCategorized)
        #expect(curated.pairs == [CategoryPair(category: "History", subcategory: "Modern History")])
    }

    @Test func normalizedMergesDuplicateParentsAndDropsEmptyNames() {
        let messy = Categorization(
            entries: [
                CategoryEntry(category: " History ", subcategories: ["Biographies", "", "Biographies"]),
                CategoryEntry(category: "", subcategories: ["Orphan"]),
                CategoryEntry(category: "History", subcategories: ["Modern History", "Biographies"]),
                CategoryEntry(category: "Education"),
            ],
            origin: .legacyDashboard
        )
        #expect(
            messy.normalized
                == Categorization(
                    entries: [
                        CategoryEntry(category: "History", subcategories: ["Biographies", "Modern History"]),
                        CategoryEntry(category: "Education"),
                    ],
                    origin: .legacyDashboard
                )
        )
        #expect(
            messy.normalized.pairs
                == messy.pairs.filter { $0.category != " History " }.union([
                    CategoryPair(category: "History", subcategory: "Biographies"), CategoryPair(category: "History", subcategory: "Modern History"),
                ])
        )
    }

    @Test func taxonomyIsPackaged() {
        let taxonomy = Taxonomy.standard
        #expect(taxonomy.contains(category: "History", subcategory: "Modern History"))
        #expect(!taxonomy.contains(category: "History", subcategory: "Web Development"))
        #expect(!taxonomy.contains(category: "Nope"))
    }
}
