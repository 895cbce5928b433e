import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import YTV2Store

/// An error answered as `{"error": "<code>", "message": "<sentence>"}` with its status (docs/api.md, "Errors"), or as
/// a small HTML page to a browser that asks for HTML (``ErrorHTMLPage``).
package struct APIError: HTTPResponseError, Sendable {
    package let status: HTTPResponse.Status
    package let code: String
    package let message: String

    package init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    package static func notFound(_ message: String = "no such route") -> APIError { APIError(.notFound, code: "not_found", message: message) }
    package static func unavailable(_ message: String) -> APIError {
        APIError(.serviceUnavailable, code: "database_unavailable", message: message)
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        if ErrorHTMLPage.prefersHTML(request.headers[.accept]) { return ErrorHTMLPage.response(status: status, message: message) }
        return JSONBody.response(try JSONBody.bytes(["error": code, "message": message]), status: status)
    }
}

/// Turns every error into the JSON error shape: store errors by kind, anything unexpected as a 500 without details.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as StoreError {
            switch error {
            case .unavailable: throw APIError.unavailable("the database is unavailable; try again shortly")
            case .invalidInput(let message): throw APIError(.badRequest, code: "bad_request", message: message)
            case .videoNotFound: throw APIError.notFound(error.description)
            case .videoDeleted: throw APIError(.conflict, code: "deleted", message: error.description)
            default:
                context.logger.error("store error", metadata: ["error": "\(error)"])
                throw APIError(.internalServerError, code: "internal_error", message: "the request could not be completed")
            }
        } catch let error as any HTTPResponseError {
            // Hummingbird's own errors (unknown route, body over the limit, ...) in the API's JSON shape.
            switch error.status {
            case .notFound: throw APIError.notFound()
            case .contentTooLarge:
                throw APIError(.contentTooLarge, code: "too_large", message: "the request body is larger than this route accepts")
            default: throw APIError(error.status, code: "http_error", message: error.status.reasonPhrase)
            }
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, code: "internal_error", message: "the request could not be completed")
        }
    }
}
