/// The words that mean yes or no wherever a boolean arrives as text: legacy SQLite cells, ingest payloads, query
/// strings and environment variables all read them here.
package enum BooleanText {
    /// `1`, `true`, `t`, `yes`, `y`, `on` → true; `0`, `false`, `f`, `no`, `n`, `off` → false (trimmed, any case);
    /// anything else → nil.
    package static func parse(_ text: String) -> Bool? {
        switch text.trimmingASCIIWhitespace.lowercased() {
        case "1", "true", "t", "yes", "y", "on": true
        case "0", "false", "f", "no", "n", "off": false
        default: nil
        }
    }
}
