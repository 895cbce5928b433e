import Foundation
import HTTPTypes
import MultipartKit
import NIOCore
import NIOHTTP1

/// The `audio` file of `POST /api/upload-audio` with the name it was sent under (the legacy NAS sync named each MP3
/// after its video), read with MultipartKit's parser.
struct LegacyAudioFile {
    let name: String
    let bytes: [UInt8]

    init(body: ByteBuffer, boundary: String) throws(APIError) {
        guard body.readableBytesView.firstRange(of: Array("--\(boundary)--".utf8)) != nil else {
            throw APIError(.badRequest, code: "invalid_multipart", message: "the multipart body ends before its closing boundary (cut short?)")
        }
        let parser = MultipartParser(boundary: boundary)
        var found: (name: String, bytes: [UInt8])?
        var headers = HTTPHeaders()
        var part = ByteBuffer()
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { part.writeBuffer(&$0) }
        parser.onPartComplete = {
            let disposition = headers.first(name: "Content-Disposition") ?? ""
            if found == nil, Self.parameter("name", in: disposition) == "audio" {
                found = (Self.parameter("filename", in: disposition) ?? "", Array(part.readableBytesView))
            }
            headers = HTTPHeaders()
            part = ByteBuffer()
        }
        do { try parser.execute(body) } catch {
            throw APIError(.badRequest, code: "invalid_multipart", message: "the multipart body cannot be read: \(error)")
        }
        guard let found, !found.bytes.isEmpty else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: audio (a file part named audio is required)")
        }
        guard !found.name.isEmpty else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: audio has no file name (it must name the video)")
        }
        name = found.name
        bytes = found.bytes
    }

    /// `name="audio"` / `filename="x.mp3"` of a Content-Disposition header.
    static func parameter(_ key: String, in disposition: String) -> String? {
        for piece in disposition.split(separator: ";") {
            let pair = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
