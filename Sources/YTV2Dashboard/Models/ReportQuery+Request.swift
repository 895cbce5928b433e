import Hummingbird
import YTV2Core
import YTV2Store

extension ReportQuery {
    /// The filter parameters of `/api/reports` and `/api/filters` (docs/api.md); each may repeat. `has_audio` is echoed
    /// apart, as the boolean it is.
    static let filterParameters = [
        "source", "category", "subcategory", "parentCategory", "channel", "language", "content_type", "complexity",
        "summary_type", "q",
    ]

    /// The highest page read as asked: a later one is answered as the empty page past the end, as the legacy did.
    static let highestPage = 1_000_000

    /// Reads the query string as the legacy dashboard did: an unknown source, variant or sort, a page past the end, an
    /// unknown `has_audio` are answered (no match, the default order, an empty page, no filter), never refused. What the
    /// legacy could not have served is a 400 naming the parameter: a page that is not a number, a search over 200
    /// characters (and, for every parameter, NUL characters or bytes that are not UTF-8; ``FormQuery``).
    init(parameters: FormQuery) throws(APIError) {
        self.init()
        func all(_ name: String) -> [String] { parameters.getAll(name).filter { !$0.isEmpty } }

        sources = all("source")
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
        summaryTypes = all("summary_type").map { SummaryVariant.fromIDOrLabel($0) ?? .unmatchable }
        if let value = parameters.get("has_audio") { hasAudio = BooleanText.parse(value) }
        if let q = parameters.get("q"), !q.isEmpty {
            guard q.count <= ReportQuery.maximumSearchLength else {
                throw .badParameter("q", "must be at most \(ReportQuery.maximumSearchLength) characters")
            }
            search = q
        }
        if let value = parameters.get("page"), !value.isEmpty {
            let digits = value.hasPrefix("-") || value.hasPrefix("+") ? value.dropFirst() : value[...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .badParameter("page", "must be a whole number from 1")
            }
            // Any number of digits: a page below 1 is the first, one past the highest is the empty page past the end.
            page = value.hasPrefix("-") ? 1 : min(Int(digits) ?? Self.highestPage, Self.highestPage)
            page = max(1, page)
        }
        if let value = parameters.get("size"), !value.isEmpty {
            guard let size = Int(value) else { throw .badParameter("size", "must be a whole number (clamped to 1…50)") }
            self.size = min(max(1, size), ReportQuery.maximumPageSize)
        }
        if let value = parameters.get("sort"), !value.isEmpty {
            self.sort = ReportSort(apiValue: value) ?? .addedDesc
        }
    }

    /// The active filters, echoed in the list response as the legacy did: each parameter's values, and `has_audio` as
    /// the boolean it was read as.
    static func activeFilters(_ parameters: FormQuery, hasAudio: Bool?) -> EchoedFilters {
        var result: [String: [String]] = [:]
        for name in filterParameters {
            let values = parameters.getAll(name).filter { !$0.isEmpty }
            if !values.isEmpty { result[name] = values }
        }
        return EchoedFilters(values: result, hasAudio: hasAudio)
    }
}

/// The `filters` object of a list answer.
struct EchoedFilters: Sendable {
    var values: [String: [String]]
    var hasAudio: Bool?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        var names = Array(values.keys)
        if hasAudio != nil { names.append("has_audio") }
        for name in names.sorted() {
            json.key(name)
            if name == "has_audio", let hasAudio {
                json.bool(hasAudio)
            } else {
                json.strings(values[name] ?? [])
            }
        }
        json.endObject()
    }
}

extension APIError {
    static func badParameter(_ name: String, _ allowed: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", message: "parameter \(name) \(allowed)")
    }
}
