import AsyncHTTPClient
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import NIOSSL
import Testing

@Suite("Fetchers over real HTTP (both transports)")
struct ClientConfigurationTests {
    @Test("--insecure turns certificate verification off; redirects and decompression stay off")
    func configuration() {
        let strict = HTTPClientFetcher.clientConfiguration()
        let insecure = HTTPClientFetcher.clientConfiguration(perHostConnections: 2, insecure: true)
        #expect(strict.tlsConfiguration?.certificateVerification == .fullVerification)
        #expect(insecure.tlsConfiguration?.certificateVerification == CertificateVerification.none)
        #expect(insecure.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == 2)
        #expect(!strict.connectionPool.retryConnectionEstablishment)
    }

    @Test("bytes are counted as they arrive: header block, wire body, and a browser-like Accept-Encoding is sent",
          arguments: HTTPTransport.allCases)
    func counting(transport: HTTPTransport) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-fetch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let body = String(repeating: "abcdefgh", count: 5000)
        try Data(body.utf8).write(to: root.appendingPathComponent("a.css"))
        try await FixtureServer.withFixtureServer(root: root) { base in
            try await transport.withFetcher(client: HTTPClientFetcher.clientConfiguration()) { fetcher in
                let url = URL(string: base.absoluteString + "a.css")!
                let kept = await fetcher.fetch(FetchRequest(url: url, headers: [HeaderField(name: "Accept-Encoding", value: ContentDecoding.acceptEncoding)],
                                                            keepBody: { _ in true }))
                #expect(kept.exchange.status == 200)
                #expect(kept.exchange.httpVersion == "HTTP/1.1")
                #expect(kept.exchange.bodyBytes == body.utf8.count)
                #expect(kept.exchange.decodedBytes == body.utf8.count)
                #expect(kept.body?.count == body.utf8.count)
                let statusLine = "HTTP/1.1 200 OK\r\n".utf8.count
                let fields = kept.exchange.responseHeaders.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
                #expect(kept.exchange.headerBytes == statusLine + fields + 2)
                #expect(kept.exchange.requestHeaders.first("Accept-Encoding") == "gzip, deflate, br, zstd", "as Chromium sends it")
                let dropped = await fetcher.fetch(FetchRequest(url: url, digest: false))
                #expect(dropped.body == nil)
                #expect(dropped.digest == nil)
                #expect(dropped.exchange.bodyBytes == body.utf8.count)
                #expect(kept.digest != nil)
            }
        }
    }
}
