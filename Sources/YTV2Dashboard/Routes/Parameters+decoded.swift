import Foundation
import Hummingbird

extension Parameters {
    /// A path parameter with its percent-encoding removed (`yt%3AabcDEF` is `yt:abcDEF`).
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
