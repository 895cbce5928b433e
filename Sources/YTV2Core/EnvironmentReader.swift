import Foundation

/// A bad configuration value, naming its variable and what it accepts. A process refuses to start with one rather
/// than run with a guess (`PORT=abc` is not port 10000).
package struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    package let variable: String
    package let problem: String

    package init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    package var description: String { "\(variable) \(problem)" }
}

/// Typed, validated reads of the environment. Every process reads its configuration through one of these, in one
/// place (`ServeCommand.settings`, `ProcessorConfiguration`, `DatabaseLocation`); an empty value counts as unset.
package struct EnvironmentReader: Sendable {
    package let values: [String: String]

    package init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The value, or nil when unset or empty.
    package func string(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    package func string(_ name: String, default fallback: String) -> String { string(name) ?? fallback }

    /// A whole number within `range`.
    package func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text.trimmingASCIIWhitespace) else {
            throw ConfigurationError(variable: name, problem: "must be a whole number (got \"\(text.prefix(40))\")")
        }
        guard range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    /// A number within `range` (fractions allowed).
    package func number(_ name: String, default fallback: Double, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let text = string(name) else { return fallback }
        guard let value = Double(text.trimmingASCIIWhitespace), value.isFinite else {
            throw ConfigurationError(variable: name, problem: "must be a number (got \"\(text.prefix(40))\")")
        }
        guard range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    /// A TCP port: 1 to 65535 (0 lets the system choose, where `allowZero`).
    package func port(_ name: String, default fallback: Int, allowZero: Bool = false) throws(ConfigurationError) -> Int {
        try integer(name, default: fallback, in: (allowZero ? 0 : 1)...65_535)
    }

    /// `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off` (``BooleanText``).
    package func flag(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let text = string(name) else { return fallback }
        guard let flag = BooleanText.parse(text) else {
            throw ConfigurationError(variable: name, problem: "must be 1 or 0 (also true/false, yes/no; got \"\(text.prefix(40))\")")
        }
        return flag
    }

    /// One of `allowed`.
    package func choice(_ name: String, default fallback: String, allowed: [String]) throws(ConfigurationError) -> String {
        guard let text = string(name) else { return fallback }
        let value = text.trimmingASCIIWhitespace.lowercased()
        guard allowed.contains(value) else {
            throw ConfigurationError(variable: name, problem: "must be one of \(allowed.joined(separator: ", ")) (got \"\(text.prefix(40))\")")
        }
        return value
    }

    /// An http or https base URL, without a trailing slash.
    package func baseURL(_ name: String, default fallback: String?) throws(ConfigurationError) -> String? {
        guard let text = string(name) else { return fallback }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw ConfigurationError(
                variable: name,
                problem: "must be an http(s) URL such as https://api.example.com/v1 (got \"\(text.prefix(60))\")"
            )
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// Comma-separated values, trimmed, empty ones dropped.
    package func list(_ name: String, default fallback: [String]) -> [String] {
        guard let text = string(name) else { return fallback }
        return text.split(separator: ",").map { $0.trimmingASCIIWhitespace }.filter { !$0.isEmpty }
    }
}
