import AsyncHTTPClient
import CrawlModel
import Fetching
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite("Wire bytes as sent: brotli and zstd bodies, chunked framing")
struct WireBytesTests {
    static let text = Array(String(repeating: "body { background: url(a.png) }\n", count: 40).utf8)

    @Test("br and zstd decode; a bomb stops at the limit like gzip; garbage and truncation are corrupt")
    func decoding() throws {
        #expect(try ContentDecoding.decode(Vectors.brotliText, contentEncoding: "br", limit: 1 << 20) == Self.text)
        #expect(try ContentDecoding.decode(Vectors.zstdText, contentEncoding: "zstd", limit: 1 << 20) == Self.text)
        #expect(try ContentDecoding.decode(Vectors.brotliBomb, contentEncoding: "br", limit: 2_000_000).count == 2_000_000)
        for (bytes, coding) in [(Vectors.brotliBomb, "br"), (Vectors.zstdBomb, "zstd")] {
            #expect(throws: ContentDecoding.Failure.self) { try ContentDecoding.decode(bytes, contentEncoding: coding, limit: 100_000) }
        }
        #expect(throws: ContentDecoding.Failure.self) { try ContentDecoding.decode(Array("not brotli at all".utf8), contentEncoding: "br", limit: 1000) }
        #expect(throws: ContentDecoding.Failure.self) { try ContentDecoding.decode(Array(Vectors.zstdText.dropLast(5)), contentEncoding: "zstd", limit: 1000) }
        #expect(throws: ContentDecoding.Failure.self) { try ContentDecoding.decode(Array(Vectors.brotliText.dropLast(3)), contentEncoding: "br", limit: 1000) }
        #expect(try ContentDecoding.decode([], contentEncoding: "br", limit: 10) == [])
    }

    @Test("chunked framing: hex size, two CRLFs per chunk, the last chunk and trailers")
    func framing() {
        #expect(ChunkedFraming.overhead(ofChunk: 5) == 5)        // "5\r\n" "\r\n"
        #expect(ChunkedFraming.overhead(ofChunk: 300) == 7)      // "12c\r\n" "\r\n"
        #expect(ChunkedFraming.overhead(ofChunk: 65536) == 9)    // "10000\r\n" "\r\n"
        #expect(ChunkedFraming.terminator() == 5)                // "0\r\n" "\r\n"
        #expect(ChunkedFraming.overhead(chunkSizes: [300]) == 12, "what nginx adds to a small gzip response")
        #expect(ChunkedFraming.overhead(chunkSizes: [5, 0, 6], trailerBytes: 10) == 5 + 5 + 5 + 10)
    }

    @Test("a chunked response over real HTTP counts its framing in bodyBytes, content in decodedBytes",
          arguments: HTTPTransport.allCases)
    func chunkedOverHTTP(transport: HTTPTransport) async throws {
        let chunks = ["body { color: red }\n", "a { color: blue }\n"]
        var body = ""
        for chunk in chunks { body += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
        body += "0\r\n\r\n"
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        try await CannedServer.with(response: Array((head + body).utf8)) { port in
            try await transport.withFetcher(client: HTTPClientFetcher.clientConfiguration()) { fetcher in
                let response = await fetcher.fetch(FetchRequest(
                    url: URL(string: "http://127.0.0.1:\(port)/a.css")!, keepBody: { _ in true }))
                #expect(response.exchange.status == 200)
                #expect(response.exchange.bodyBytes == body.utf8.count, "the body section exactly as on the wire")
                #expect(response.exchange.decodedBytes == chunks.joined().utf8.count)
                #expect(response.body == Array(chunks.joined().utf8))
            }
        }
    }
}

/// A loopback server that answers every connection with the same bytes and closes it: a
/// response framed exactly as written, which a file server would not produce.
enum CannedServer {
    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let response: [UInt8]
        init(_ response: [UInt8]) { self.response = response }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            // Answer once the request head is in (a GET has no body).
            let buffer = unwrapInboundIn(data)
            guard buffer.readableBytesView.contains(where: { $0 == UInt8(ascii: "\n") }) else { return }
            let channel = context.channel
            context.writeAndFlush(NIOAny(channel.allocator.buffer(bytes: response))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    static func with(response: [UInt8], _ body: (Int) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { $0.pipeline.addHandler(Handler(response)) }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0)
        } catch {
            try? await channel.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try await channel.close()
        try await group.shutdownGracefully()
    }
}
