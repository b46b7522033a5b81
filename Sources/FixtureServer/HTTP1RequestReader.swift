internal import NIOCore
internal import NIOHTTP1

/// The first handler of an HTTP/1.x connection: turns the bytes of plain GET and HEAD
/// requests into request parts itself (``HTTP1RequestHeadScanner``), and hands everything
/// else to NIO's llhttp decoder, which it adds behind itself at the first request outside
/// the scanner's subset and which then reads the rest of the connection, from that request's
/// first byte on. So a connection has one reading of its bytes at any point: the scanner's
/// while every request is in its strict subset, llhttp's from the first that is not (bodies,
/// every error and its status, heads split over reads).
///
/// A head the scanner reads costs a fraction of llhttp's callbacks and of
/// `ByteToMessageHandler`'s buffering: #14 item 6, the 304 and the small file against nginx.
final class HTTP1RequestReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart

    private let limits: ServerLimits
    /// llhttp reads the connection from now on.
    private var handedOver = false

    init(limits: ServerLimits) {
        self.limits = limits
    }

    func channelRead(context ctx: ChannelHandlerContext, data: NIOAny) {
        if handedOver {
            ctx.fireChannelRead(data)
            return
        }
        var buffer = unwrapInboundIn(data)
        while buffer.readableBytes > 0 {
            guard case .head(let head, let length) = HTTP1RequestHeadScanner.scan(buffer, limits: limits) else {
                handOver(ctx)
                ctx.fireChannelRead(NIOAny(buffer))
                return
            }
            buffer.moveReaderIndex(forwardBy: length)
            ctx.fireChannelRead(wrapInboundOut(.head(head)))
            ctx.fireChannelRead(wrapInboundOut(.end(nil)))
        }
    }

    /// Adds llhttp behind this handler, with the server's limits.
    private func handOver(_ ctx: ChannelHandlerContext) {
        handedOver = true
        do {
            try ctx.pipeline.syncOperations.addHandler(Self.llhttpDecoder(limits), position: .after(self))
        } catch {
            ctx.close(promise: nil)
        }
    }

    /// NIO's request decoder (llhttp) with the server's limits.
    static func llhttpDecoder(_ limits: ServerLimits) -> ByteToMessageHandler<HTTPRequestDecoder> {
        var configuration = NIOHTTPDecoderLimitConfiguration()
        configuration.maxHeaderFieldSize = limits.maxHeaderFieldBytes
        configuration.maxHeaderListSize = limits.maxHeaderListBytes
        configuration.maxHeaderFieldCount = limits.maxHeaderCount
        return ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop,
                                                       limitConfiguration: configuration))
    }
}
