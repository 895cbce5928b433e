import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import YTV2Core
import YTV2Store

/// `GET /api/report-events`: Server-Sent Events from the change feed, one stream per client.
struct LiveController: Sendable {
    let broadcaster: ChangeBroadcaster

    struct EventData: Encodable {
        let video_id: String
        let summary_types: [String]
        let timestamp: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/report-events") { _, _ in
            let messages = broadcaster.subscribe()
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-store"
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": connected\nretry: 3000\n\n"))
                    // On graceful shutdown the stream ends, so the server can stop; browsers reconnect (to another
                    // replica behind a load balancer) after `retry`.
                    for await message in messages.cancelOnGracefulShutdown() {
                        try await writer.write(ByteBuffer(string: Self.frame(message)))
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    static func frame(_ message: LiveMessage) -> String {
        switch message {
        case .heartbeat:
            return ": keep-alive\n\n"
        case .resync:
            return "event: resync\ndata: {}\n\n"
        case .change(let change):
            let name: String
            switch change.op {
            case .added: name = "report-added"
            case .updated: name = "report-updated"
            case .deleted: name = "report-deleted"
            }
            let data = EventData(video_id: change.videoID.rawValue, summary_types: change.summaryTypes, timestamp: APIDate.string(Date()))
            let json = (try? JSONEncoder().encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return "event: \(name)\ndata: \(json)\n\n"
        }
    }
}
