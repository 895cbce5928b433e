/// One parent category with the subcategories chosen under it.
public struct CategoryEntry: Hashable, Sendable, Codable {
    public var category: String
    public var subcategories: [String]

    public init(category: String, subcategories: [String] = []) {
        self.category = category
        self.subcategories = subcategories
    }
}

/// Who decided a video's categorization. A write never replaces categorization of a higher rank.
public enum CategorizationOrigin: String, Sendable, Codable, CaseIterable, Comparable {
    /// Chosen by the processor's analyzer: replaceable by anything, including a later processor run.
    case processor
    /// Carried over from the legacy dashboard copy, where users curated by hand.
    case legacyDashboard = "legacy_dashboard"
    /// Set by a person through YTV2.
    case curated

    public var rank: Int {
        switch self {
        case .processor: 1
        case .legacyDashboard: 2
        case .curated: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// A video's categories and where they came from.
public struct Categorization: Hashable, Sendable, Codable {
    public var entries: [CategoryEntry]
    public var origin: CategorizationOrigin

    public init(entries: [CategoryEntry], origin: CategorizationOrigin) {
        self.entries = entries
        self.origin = origin
    }

    /// LEGACY.md §5: at least one entry with a non-empty category and a non-empty subcategory name.
    public var isCategorized: Bool {
        entries.contains { entry in
            !entry.category.isEmpty && entry.subcategories.contains { !$0.isEmpty }
        }
    }

    /// The (category, subcategory) pairs, the unit the migration checks survive.
    public var pairs: Set<CategoryPair> {
        var result = Set<CategoryPair>()
        for entry in entries where !entry.category.isEmpty {
            for sub in entry.subcategories where !sub.isEmpty {
                result.insert(CategoryPair(category: entry.category, subcategory: sub))
            }
        }
        return result
    }

    public var parentNames: [String] { entries.map(\.category).filter { !$0.isEmpty } }
}

public struct CategoryPair: Hashable, Sendable, Codable, Comparable {
    public var category: String
    public var subcategory: String

    public init(category: String, subcategory: String) {
        self.category = category
        self.subcategory = subcategory
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.category, lhs.subcategory) < (rhs.category, rhs.subcategory)
    }
}
