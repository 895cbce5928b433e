import Foundation

/// A minimal `multipart/form-data` reader for the audio ingest (two fields: `video_id` and `audio`).
/// Written by hand: the package mirror has no multipart library for Hummingbird 2 without pulling in Vapor's stack.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let body: ArraySlice<UInt8>
    }

    let parts: [Part]

    /// The boundary from a `Content-Type: multipart/form-data; boundary=...` header.
    static func boundary(from contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.utf8.count > 200 ? nil : value
            }
        }
        return nil
    }

    init(body: [UInt8], boundary: String) throws(APIError) {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [Part] = []
        var positions: [Int] = []
        var index = 0
        while let found = Self.find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw APIError(.badRequest, code: "invalid_multipart", message: "the multipart body has no parts") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the CRLF after the delimiter; the part ends with a CRLF before the next delimiter.
            if partStart + 1 < body.count, body[partStart] == 13, body[partStart + 1] == 10 { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 13, body[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let headerEnd = Self.find([13, 10, 13, 10], in: body, from: partStart), headerEnd <= partEnd else {
                throw APIError(.badRequest, code: "invalid_multipart", message: "a multipart part has no header")
            }
            let headers = String(decoding: body[partStart..<headerEnd], as: UTF8.self)
            var name: String?
            var filename: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = Self.attribute("name", in: line)
                filename = Self.attribute("filename", in: line)
            }
            guard let name else { throw APIError(.badRequest, code: "invalid_multipart", message: "a multipart part has no name") }
            parts.append(Part(name: name, filename: filename, body: body[(headerEnd + 4)..<partEnd]))
        }
        self.parts = parts
    }

    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    private static func attribute(_ key: String, in line: Substring) -> String? {
        for piece in line.split(separator: ";") {
            let pair = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == key { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
