internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// Answers requests the HTTP/1 parser rejects, then lets the connection close: 431 when a
/// header (or the request target) or the header list is too large or too many, 400 for
/// everything else (malformed syntax, Content-Length with Transfer-Encoding, bad chunking).
/// Replaces NIO's `HTTPServerProtocolErrorHandler`, which answers 400 to everything and logs nothing.
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = Never
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let logger: Logger
    private var hasUnterminatedResponse = false

    init(logger: Logger) { self.logger = logger }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let status: HTTPResponseStatus = parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
        logger.notice("refused a request from \(context.remoteAddress?.description ?? "?"): \(status.code), \(Self.reason(parserError))")
        if !hasUnterminatedResponse {
            let body = context.channel.allocator.buffer(string: "\(status.code) \(status.reasonPhrase)\n")
            let headers = HTTPHeaders([
                ("Connection", "close"), ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", String(body.readableBytes)), ("Cache-Control", "no-store"),
            ])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
        // The parser cannot go on after an error: the connection closes once the answer is out.
        context.fireErrorCaught(error)
    }

    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: return "request target or headers too large, or too many headers"
        case .unexpectedContentLength: return "Content-Length with Transfer-Encoding"
        case .invalidContentLength: return "invalid Content-Length"
        case .invalidURL: return "invalid request target"
        case .invalidMethod: return "invalid method"
        case .invalidVersion: return "invalid HTTP version"
        case .invalidHeaderToken: return "invalid header"
        default: return "malformed request (framing or syntax the parser refuses, such as Content-Length with Transfer-Encoding)"
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: hasUnterminatedResponse = true
        case .end: hasUnterminatedResponse = false
        default: break
        }
        context.write(data, promise: promise)
    }
}
