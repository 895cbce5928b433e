import Crypto
import HTTPTypes
import Hummingbird

/// A configured secret token. Compared in constant time; never logged or echoed.
struct Token: Sendable {
    private let digest: [UInt8]

    /// Nil for an unset or empty token: its routes then refuse every request (a missing token never opens a route).
    init?(_ value: String?) {
        guard let value, !value.isEmpty else { return nil }
        digest = Array(SHA256.hash(data: Array(value.utf8)))
    }

    /// Hashing both sides first makes the comparison independent of the provided value's length and content.
    func matches(_ provided: String) -> Bool {
        let other = Array(SHA256.hash(data: Array(provided.utf8)))
        var difference: UInt8 = 0
        for index in 0..<digest.count { difference |= digest[index] ^ other[index] }
        return difference == 0
    }

    /// Checks `Authorization: Bearer <token>`; 401 when missing, wrong, or no token is configured.
    static func requireBearer(_ token: Token?, in request: Request) throws(APIError) {
        let header = request.headers[.authorization] ?? ""
        let provided = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        guard let token else { throw .unauthorized("this route is disabled: no admin token is configured") }
        guard !provided.isEmpty, token.matches(provided) else { throw .unauthorized("missing or invalid admin token") }
    }

    static let ingestHeader = HTTPField.Name("X-INGEST-TOKEN")!

    /// Checks `X-INGEST-TOKEN`; 401 when missing, wrong, or no token is configured.
    static func requireIngest(_ token: Token?, in request: Request) throws(APIError) {
        guard let token else { throw .unauthorized("this route is disabled: no ingest token is configured") }
        guard let provided = request.headers[ingestHeader], token.matches(provided) else {
            throw .unauthorized("missing or invalid X-INGEST-TOKEN")
        }
    }
}

extension APIError {
    static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message: message) }
}
