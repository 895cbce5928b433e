import Foundation

/// The category taxonomy shipped with the package (`taxonomy.json`): known parents and their subcategories.
package struct Taxonomy: Sendable {
    package let entries: [CategoryEntry]

    private struct File: Decodable { let categories: [CategoryEntry] }

    package init(entries: [CategoryEntry]) { self.entries = entries }

    /// The packaged taxonomy. Loading a resource the package ships cannot fail except through a build defect.
    package static let standard: Taxonomy = {
        guard let url = Bundle.module.url(forResource: "taxonomy", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else {
            preconditionFailure("the packaged taxonomy.json is missing or malformed")
        }
        return Taxonomy(entries: file.categories)
    }()

    package func subcategories(of parent: String) -> [String]? {
        entries.first { $0.category == parent }?.subcategories
    }

    package func contains(category: String) -> Bool { subcategories(of: category) != nil }

    package func contains(category: String, subcategory: String) -> Bool {
        subcategories(of: category)?.contains(subcategory) ?? false
    }
}
