internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// Answers requests the HTTP/1 parser rejects, then closes the connection: 431 when a header
/// (or the request target) or the header list is too large or too many, 400 for everything
/// else (malformed syntax, Content-Length with Transfer-Encoding, bad chunking). A request
/// pipelined before the error is answered first.
///
/// In place of NIO's `HTTPServerProtocolErrorHandler`, which answers 400 to everything, logs
/// nothing, and as a separate handler sits in the path of every write.
extension StaticFileHandler {
    func errorCaught(context ctx: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.logger.debug("connection from \(ctx.remoteAddress?.description ?? "?") failed: \(error)")
            ctx.close(promise: nil)
            return
        }
        let status: HTTPResponseStatus = parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
        // Answered in turn: after the responses to requests read before it.
        execute(connection.protocolError(.init(status: status, reason: Self.reason(parserError))), ctx: ctx)
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
}
