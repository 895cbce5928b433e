import Foundation

/// One parent category with the subcategories chosen under it.
package struct CategoryEntry: Hashable, Sendable, Codable {
    package var category: String
    package var subcategories: [String]

    package init(category: String, subcategories: [String] = []) {
        self.category = category
        self.subcategories = subcategories
    }
}

/// Who decided a video's categorization. They rank processor < legacy dashboard < curated, and a write never replaces
/// categorization of a higher rank: the database decides that, in `ytv2_categorization_replaces` (migration 0007).
package enum CategorizationOrigin: String, Sendable, Codable, CaseIterable {
    /// Chosen by the processor's analyzer: replaceable by anything, including a later processor run.
    case processor
    /// Carried over from the legacy dashboard copy, where users curated by hand.
    case legacyDashboard = "legacy_dashboard"
    /// Set by a person through YTV2.
    case curated

}

/// A video's categories and where they came from.
package struct Categorization: Hashable, Sendable, Codable {
    package var entries: [CategoryEntry]
    package var origin: CategorizationOrigin

    package init(entries: [CategoryEntry], origin: CategorizationOrigin) {
        self.entries = entries
        self.origin = origin
    }

    /// docs/legacy.md, "Categorized": at least one entry with a non-empty category and a non-empty subcategory name.
    package var isCategorized: Bool {
        entries.contains { entry in
            !entry.category.isEmpty && entry.subcategories.contains { !$0.isEmpty }
        }
    }

    /// The (category, subcategory) pairs, the unit the migration checks survive.
    package var pairs: Set<CategoryPair> {
        var result = Set<CategoryPair>()
        for entry in entries where !entry.category.isEmpty {
            for sub in entry.subcategories where !sub.isEmpty {
                result.insert(CategoryPair(category: entry.category, subcategory: sub))
            }
        }
        return result
    }

    package var parentNames: [String] { entries.map(\.category).filter { !$0.isEmpty } }

    /// One entry per parent (first position kept, subcategories merged in order, duplicates and empty names dropped).
    /// The store saves only this form, so every (video, category) and (video, category, subcategory) is counted once.
    package var normalized: Categorization {
        var merged: [CategoryEntry] = []
        for entry in entries {
            let name = entry.category.trimmingASCIIWhitespace
            guard !name.isEmpty else { continue }
            let subs = entry.subcategories.map { $0.trimmingASCIIWhitespace }.filter { !$0.isEmpty }
            if let index = merged.firstIndex(where: { $0.category == name }) {
                for sub in subs where !merged[index].subcategories.contains(sub) { merged[index].subcategories.append(sub) }
            } else {
                var unique: [String] = []
                for sub in subs where !unique.contains(sub) { unique.append(sub) }
                merged.append(CategoryEntry(category: name, subcategories: unique))
            }
        }
        return Categorization(entries: merged, origin: origin)
    }
}

package struct CategoryPair: Hashable, Sendable, Codable, Comparable {
    package var category: String
    package var subcategory: String

    package init(category: String, subcategory: String) {
        self.category = category
        self.subcategory = subcategory
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.category, lhs.subcategory) < (rhs.category, rhs.subcategory)
    }
}
