/// The version of YTV2, as `ytv2 --version` and `/health` show it.
package enum YTV2Version {
    package static let current = "0.2.0"
}
