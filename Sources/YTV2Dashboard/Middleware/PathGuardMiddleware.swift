import Foundation
import Hummingbird

/// Answers 404 to any path with a `..` segment, in any encoding, before it reaches the file middleware or a route:
/// a traversal attempt learns nothing, not even that the path was malformed.
struct PathGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var path = request.uri.path
        // Decode repeatedly: `%252e` is `%2e` is `.`.
        for _ in 0..<3 { path = path.removingPercentEncoding ?? path }
        let segments = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if segments.contains("..") || path.contains("\0") {
            throw APIError.notFound()
        }
        return try await next(request, context)
    }
}
