import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import YTV2Core
import YTV2Store

/// Serves audio from the database: `GET|HEAD /exports/by_video/<id>.mp3` (and `/exports/audio/<id>.mp3`), with
/// `Accept-Ranges`, `ETag` (the sha256), single byte ranges (206/416), and bodies streamed in chunks read with
/// `substring`, so a large range never sits in memory whole.
struct AudioController: Sendable {
    let reports: ReportReader
    static let chunkSize = 256 * 1024

    func addRoutes(to router: Router<some RequestContext>) {
        for prefix in ["/exports/by_video", "/exports/audio"] {
            router.get("\(prefix)/{id}.mp3") { request, context in try await serve(request, id: context.parameters.decoded("id"), head: false) }
            router.head("\(prefix)/{id}.mp3") { request, context in try await serve(request, id: context.parameters.decoded("id"), head: true) }
        }
    }

    func serve(_ request: Request, id: String, head: Bool) async throws -> Response {
        guard let videoID = try? VideoID(id), let info = try await reports.audioInfo(for: videoID) else {
            throw APIError.notFound("no audio for \(id.prefix(64))")
        }
        let etag = "\"\(info.sha256)\""
        var headers = HTTPFields()
        headers[.contentType] = info.mime
        headers[.acceptRanges] = "bytes"
        headers[.eTag] = etag
        headers[.cacheControl] = "public, max-age=3600"
        if let match = request.headers[.ifNoneMatch], match == etag || match == "*" {
            return Response(status: .notModified, headers: headers)
        }
        var range = 0..<info.sizeBytes
        var status = HTTPResponse.Status.ok
        if let header = request.headers[.range] {
            switch ByteRange.parse(header, size: info.sizeBytes) {
            case .whole: break
            case .unsatisfiable:
                var failure = HTTPFields()
                failure[.contentRange] = "bytes */\(info.sizeBytes)"
                failure[.contentType] = "application/json; charset=utf-8"
                let body = #"{"error":"range_not_satisfiable","message":"the requested range is outside the file"}"#
                return Response(status: .rangeNotSatisfiable, headers: failure, body: head ? .init() : .init(byteBuffer: ByteBuffer(string: body)))
            case .partial(let requested):
                range = requested
                status = .partialContent
                headers[.contentRange] = "bytes \(requested.lowerBound)-\(requested.upperBound - 1)/\(info.sizeBytes)"
            }
        }
        headers[.contentLength] = String(range.count)
        if head { return Response(status: status, headers: headers) }
        let reports = self.reports
        let served = range
        let body = ResponseBody(contentLength: served.count) { writer in
            var offset = served.lowerBound
            while offset < served.upperBound {
                let length = min(Self.chunkSize, served.upperBound - offset)
                guard let bytes = try await reports.audioBytes(for: videoID, offset: offset, length: length), !bytes.isEmpty else {
                    break
                }
                try await writer.write(ByteBuffer(bytes: bytes))
                offset += bytes.count
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}

/// One `Range: bytes=...` header against a file of `size` bytes. Several ranges are answered with the whole file.
enum ByteRange: Equatable {
    case whole
    case partial(Range<Int>)
    case unsatisfiable

    static func parse(_ header: String, size: Int) -> ByteRange {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = value.dropFirst(6)
        guard !spec.contains(",") else { return .whole }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .whole }
        if parts[0].isEmpty {
            // Suffix: the last N bytes.
            guard let count = Int(parts[1]), count > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - count)..<size)
        }
        guard let start = Int(parts[0]), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if parts[1].isEmpty { return .partial(start..<size) }
        guard let end = Int(parts[1]), end >= start else { return .whole }
        return .partial(start..<(min(end, size - 1) + 1))
    }
}
