import AsyncHTTPClient
import FixtureServer
import Foundation
import NIOCore
import NIOHTTP1

/// A fresh temporary folder with the given files, removed after `body`.
func withTemporarySite<T>(_ files: [String: String], _ body: (URL) async throws -> T) async throws -> T {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-site-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    for (path, content) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }
    return try await body(root)
}

/// One response, body collected.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: String
}

/// Sends one request with AsyncHTTPClient (no redirects followed).
func request(_ method: HTTPMethod = .GET, _ url: URL, headers: [(String, String)] = []) async throws -> TestResponse {
    var req = HTTPClientRequest(url: url.absoluteString)
    req.method = method
    for (n, v) in headers { req.headers.add(name: n, value: v) }
    var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
    configuration.decompression = .disabled
    return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
        let response = try await client.execute(req, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 10 << 20)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }
}
