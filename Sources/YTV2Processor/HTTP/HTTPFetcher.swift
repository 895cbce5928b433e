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

    package func get(_ url: String, service: String, headers: [(String, String)] = []) async throws(ProcessorError) -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request, service: service)
    }

    package func postJSON(_ url: String, service: String, body: [UInt8], headers: [(String, String)] = []) async throws(ProcessorError) -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await send(request, service: service)
    }

    private func send(_ request: HTTPClientRequest, service: String) async throws(ProcessorError) -> [UInt8] {
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: maxBodyBytes)
        } catch {
            throw .network(service: service, message: String(describing: error))
        }
        let bytes = Array(body.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw .http(service: service, status: Int(response.status.code), body: String(decoding: bytes.prefix(500), as: UTF8.self))
        }
        return bytes
    }
}
