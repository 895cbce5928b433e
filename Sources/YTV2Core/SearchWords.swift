/// The words a search compares: runs of letters and digits, lower-cased. A video matches a search when every word of
/// the search starts one of the words of its title, channel or latest summaries (`war` finds "War" and "warfare",
/// not "software"). PostgreSQL's text-search parser (the 'simple' configuration the store searches with) splits prose
/// the same way; it keeps host names, e-mail addresses and decimal numbers whole, the only places the two can differ.
/// The shadow reads' in-memory control of the legacy copy searches with this type.
package enum SearchWords {
    package static func words(in text: some StringProtocol) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }

    /// Whether every word of `search` starts a word of one of `documents`; a search without words matches nothing.
    package static func matches(_ search: String, in documents: [String]) -> Bool {
        let wanted = words(in: search)
        guard !wanted.isEmpty else { return false }
        let present = documents.flatMap { words(in: $0) }
        return wanted.allSatisfy { word in present.contains { $0.hasPrefix(word) } }
    }
}
