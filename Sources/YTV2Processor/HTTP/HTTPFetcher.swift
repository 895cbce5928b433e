import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few HTTP calls the stages make, over one AsyncHTTPClient, with timeouts and errors named by service.
package struct HTTPFetcher: Sendable {
    package let client: HTTPClient
    package var timeout: TimeAmount
    /// Largest body accepted (an MP3 of a long narration is a few MB).
    package var maxBodyBytes: Int

    package init(client: HTTPClient = .shared, timeout: TimeAmount = .seconds(120), maxBodyBytes: Int = 64 << 20) {
        self.client = client
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// An answer of any status, for callers that read error bodies and headers themselves.
    package struct Reply: Sendable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: [UInt8]

        package var text: String { String(decoding: body, as: UTF8.self) }

        /// `Retry-After` in seconds: a number, or an HTTP date turned into the seconds until it.
        package var retryAfter: Double? {
            guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
            if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return seconds }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
        }
    }

    package func get(_ url: String, service: String, headers: [(String, String)] = []) async throws(ProcessorError) -> [UInt8] {
        try Self.checked(try await send(url, method: .GET, service: service, headers: headers), service: service).body
    }

    package func postJSON(_ url: String, service: String, body: [UInt8], headers: [(String, String)] = []) async throws(ProcessorError) -> [UInt8] {
        try Self.checked(try await send(url, method: .POST, service: service, json: body, headers: headers), service: service).body
    }

    /// Sends one request and returns the answer whatever its status; only a failure to get an answer throws.
    package func send(
        _ url: String,
        method: HTTPMethod,
        service: String,
        json: [UInt8]? = nil,
        body: ByteBuffer? = nil,
        headers: [(String, String)] = [],
        timeout: TimeAmount? = nil
    ) async throws(ProcessorError) -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        } else if let body {
            request.body = .bytes(body)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await client.execute(request, timeout: timeout ?? self.timeout)
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return Reply(status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView))
        } catch {
            throw .network(service: service, message: Self.readable(error))
        }
    }

    /// A 2xx answer, else the error its status means: 429 is a rate limit (with the wait asked for), anything else an
    /// HTTP error with the start of its body.
    package static func checked(_ reply: Reply, service: String) throws(ProcessorError) -> Reply {
        guard !(200..<300).contains(reply.status) else { return reply }
        if reply.status == 429 {
            throw .rateLimited(service: service, retryAfter: reply.retryAfter, message: String(reply.text.prefix(300)))
        }
        throw .http(service: service, status: reply.status, body: String(reply.text.prefix(500)))
    }

    /// AsyncHTTPClient's errors as a person reads them.
    static func readable(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within the time limit"
            case .connectTimeout: return "the connection timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        return String(describing: error)
    }
}
