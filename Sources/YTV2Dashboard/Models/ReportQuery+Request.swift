import Hummingbird
import YTV2Core
import YTV2Store

extension ReportQuery {
    /// The filter parameters of `/api/reports` and `/api/filters` (docs/api.md); each may repeat.
    static let filterParameters = [
        "source", "category", "subcategory", "parentCategory", "channel", "language", "content_type", "complexity",
        "summary_type", "has_audio", "q",
    ]

    /// Reads the query string. A malformed value is a 400 naming the parameter and what it accepts; hostile but
    /// well-formed values (quotes, `%`, unicode, long strings) are data.
    init(parameters: FormQuery) throws(APIError) {
        self.init()
        func all(_ name: String) -> [String] { parameters.getAll(name).filter { !$0.isEmpty } }

        sources = all("source")
        for source in sources where !["youtube", "reddit", "web"].contains(source) {
            throw .badParameter("source", "must be youtube, reddit or web")
        }
        categories = all("category")
        let subcategoryValues = parameters.getAll("subcategory")
        let parents = parameters.getAll("parentCategory")
        subcategories = subcategoryValues.enumerated().compactMap { index, value in
            guard !value.isEmpty else { return nil }
            let parent = index < parents.count && !parents[index].isEmpty ? parents[index] : nil
            return SubcategoryFilter(subcategory: value, parent: parent)
        }
        channels = all("channel")
        languages = all("language")
        contentTypes = all("content_type")
        complexities = all("complexity") + all("complexity_level")
        summaryTypes = try all("summary_type").map { value throws(APIError) in
            guard let variant = SummaryVariant.fromIDOrLabel(value) else {
                throw .badParameter("summary_type", "must be a variant id such as comprehensive or audio-fr, or its label such as Key Points")
            }
            return variant
        }
        if let value = parameters.get("has_audio"), !value.isEmpty {
            switch value.lowercased() {
            case "true", "1", "yes": hasAudio = true
            case "false", "0", "no": hasAudio = false
            default: throw .badParameter("has_audio", "must be true or false (also 1/0, yes/no)")
            }
        }
        if let q = parameters.get("q"), !q.isEmpty {
            guard q.count <= ReportQuery.maximumSearchLength else {
                throw .badParameter("q", "must be at most \(ReportQuery.maximumSearchLength) characters")
            }
            search = q
        }
        if let value = parameters.get("page"), !value.isEmpty {
            guard let page = Int(value), page >= 1, page <= 1_000_000 else { throw .badParameter("page", "must be a whole number from 1") }
            self.page = page
        }
        if let value = parameters.get("size"), !value.isEmpty {
            guard let size = Int(value) else { throw .badParameter("size", "must be a whole number (clamped to 1…50)") }
            self.size = min(max(1, size), ReportQuery.maximumPageSize)
        }
        if let value = parameters.get("sort"), !value.isEmpty {
            guard let sort = ReportSort(apiValue: value) else {
                throw .badParameter("sort", "must be one of \(ReportSort.apiValues.joined(separator: ", "))")
            }
            self.sort = sort
        }
    }

    /// The active filters, echoed in the list response.
    static func activeFilters(_ parameters: FormQuery) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for name in filterParameters {
            let values = parameters.getAll(name).filter { !$0.isEmpty }
            if !values.isEmpty { result[name] = values }
        }
        return result
    }
}

extension APIError {
    static func badParameter(_ name: String, _ allowed: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", message: "parameter \(name) \(allowed)")
    }
}
