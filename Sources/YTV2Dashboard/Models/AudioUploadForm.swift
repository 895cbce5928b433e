import Foundation
import HTTPTypes
import MultipartKit
import NIOCore

/// The `multipart/form-data` body of `POST /ingest/audio`: the `video_id` field and the `audio` file, parsed by
/// MultipartKit. Either may be missing here; the route names what is.
struct AudioUploadForm: Decodable {
    let video_id: String?
    let audio: Data?

    /// Parses `body`, a form with `boundary` (``boundary(from:)``); a body that is not one answers 400 naming the problem.
    init(body: ByteBuffer, boundary: String) throws(APIError) {
        // The parser hands over each part it completes and says nothing of a body cut short: a form ends with its
        // closing delimiter, or it is incomplete.
        guard body.readableBytesView.firstRange(of: Array("--\(boundary)--".utf8)) != nil else {
            throw APIError(.badRequest, code: "invalid_multipart", message: "the multipart body ends before its closing boundary (cut short?)")
        }
        do {
            self = try FormDataDecoder().decode(Self.self, from: body, boundary: boundary)
        } catch {
            throw APIError(.badRequest, code: "invalid_multipart", message: "the multipart body cannot be read: \(Self.describe(error))")
        }
    }

    /// The boundary parameter of `multipart/form-data; boundary=...` (quoted or not; at most 70 characters, RFC 2046).
    /// Checked before the body is read, so that a request that is not a form is refused at once.
    static func boundary(from contentType: String) throws(APIError) -> String {
        guard let boundary = parseBoundary(contentType) else {
            throw APIError(.badRequest, code: "bad_request", message: "the body must be multipart/form-data with fields video_id and audio")
        }
        return boundary
    }

    private static func parseBoundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.utf8.count > 70 ? nil : value
            }
        }
        return nil
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.typeMismatch(_, let context) = error { return context.debugDescription }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "it is not a complete form (\(error))"
    }
}
