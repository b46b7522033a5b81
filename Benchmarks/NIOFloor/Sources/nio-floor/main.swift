// nio-floor PORT: answers every HTTP/1.1 request with the same 304, parsed by NIO's HTTP/1
// decoder (llhttp), written as one buffer on NIO's default event loops (one per core). What
// `assetcrawl serve` does beyond this is its own cost; what this costs is NIO's.
import NIOCore
import NIOHTTP1
import NIOPosix

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8080
let response = "HTTP/1.1 304 Not Modified\r\nETag: \"0123456789abcdef\"\r\nCache-Control: public, max-age=3600\r\nDate: Sun, 29 Nov 2026 00:00:00 GMT\r\n\r\n"

final class Fixed304: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer
    let bytes = ByteBuffer(string: response)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
    }
}

let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
            try channel.pipeline.syncOperations.addHandler(Fixed304())
        }
    }
    .bind(host: "127.0.0.1", port: port)
    .get()
try await channel.closeFuture.get()
