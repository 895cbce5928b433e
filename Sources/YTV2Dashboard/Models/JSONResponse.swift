import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A JSON body. Encoded here rather than through the context's encoder so every response has the same
/// content type and date form.
protocol ResponseEncodableJSON: Encodable, ResponseGenerator {}

extension ResponseEncodableJSON {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.response(self)
    }
}

enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        response(try bytes(value), status: status)
    }

    /// The encoded body, for responses kept by ``ChangeInvalidatedCache``.
    static func bytes(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    static func response(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
