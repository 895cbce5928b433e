import HTTPTypes
import Hummingbird
import YTV2Store

/// Read-your-writes across dashboard replicas. A write answers with the primary's WAL position just after its commit
/// (header `X-YTV2-Commit-LSN`, cookie `ytv2_wal`); a later request that carries it, to any replica, is answered from
/// a point at or past it: its reads wait for the read replica or go to the primary (``Store/readAfter``), and a
/// replica that has not heard of the change yet answers past its caches (``ReadCaches``).
struct ReadYourWritesMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let text = request.headers[CommitPosition.headerName] ?? request.cookies[CommitPosition.cookieName]?.value
        guard let text, let position = WALPosition(text) else { return try await next(request, context) }
        return try await Store.$readAfter.withValue(position) { try await next(request, context) }
    }
}

/// How a write hands its commit position to the client.
enum CommitPosition {
    static let cookieName = "ytv2_wal"
    static let headerName = HTTPField.Name("X-YTV2-Commit-LSN")!

    /// `response` with the commit position a client carries to its next reads, for a minute.
    static func remembered(_ position: WALPosition?, in response: Response) -> Response {
        guard let position else { return response }
        var response = response
        response.headers[headerName] = position.description
        response.setCookie(Cookie(name: cookieName, value: position.description, maxAge: 60, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}
