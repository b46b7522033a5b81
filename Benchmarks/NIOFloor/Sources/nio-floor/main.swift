// nio-floor PORT [MODE]: answers every HTTP/1.1 request with the same 304, on NIO's default
// event loops (one per core), with no file logic. What `assetcrawl serve` does beyond this is
// its own cost; what this costs is NIO's. MODE picks how much of NIO's HTTP/1 stack is used:
//
//   parser    (default) NIO's request parser (llhttp), the 304 written as one buffer: what
//             `assetcrawl serve` uses
//   pipeline  NIO's full server pipeline (parser, response encoder, pipelining handler), the
//             304 written as response parts
//   raw       no parser: the end of each request head found by its blank line
import NIOCore
import NIOHTTP1
import NIOPosix

let arguments = CommandLine.arguments.dropFirst()
let port = Int(arguments.first ?? "") ?? 8080
let mode = arguments.dropFirst().first ?? "parser"
let etag = "\"0123456789abcdef\""
let date = "Sun, 29 Nov 2026 00:00:00 GMT"
let response = "HTTP/1.1 304 Not Modified\r\nETag: \(etag)\r\nCache-Control: max-age=3600\r\nDate: \(date)\r\n\r\n"

/// After NIO's parser: the 304 as one buffer.
final class ParsedFixed304: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer
    let bytes = ByteBuffer(string: response)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
    }
}

/// Behind NIO's full server pipeline: the 304 as response parts.
final class PipelinedFixed304: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            let headers: HTTPHeaders = ["ETag": etag, "Cache-Control": "max-age=3600", "Date": date]
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .notModified, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// Without a parser: one 304 per blank line that ends a request head.
final class RawFixed304: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let bytes = ByteBuffer(string: response)
    var tail: UInt32 = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var answered = false
        for byte in unwrapInboundIn(data).readableBytesView {
            tail = tail << 8 | UInt32(byte)
            if tail == 0x0D0A_0D0A {
                context.write(wrapOutboundOut(bytes), promise: nil)
                answered = true
            }
        }
        if answered { context.flush() }
    }
}

let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            switch mode {
            case "pipeline":
                try pipeline.configureHTTPServerPipeline(withErrorHandling: false)
                try pipeline.addHandler(PipelinedFixed304())
            case "raw":
                try pipeline.addHandler(RawFixed304())
            default:
                try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                try pipeline.addHandler(ParsedFixed304())
            }
        }
    }
    .bind(host: "127.0.0.1", port: port)
    .get()
try await channel.closeFuture.get()
