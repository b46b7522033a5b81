public import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOHTTP2
internal import NIOSSL
internal import Logging

extension FixtureServer {
    /// Serve https from PEM files: HTTP/2 and HTTP/1.1, chosen by ALPN.
    public struct TLS: Sendable {
        /// The certificate chain, PEM, leaf first.
        public var certificateChainFile: URL
        /// The private key, PEM.
        public var privateKeyFile: URL

        public init(certificateChainFile: URL, privateKeyFile: URL) {
            self.certificateChainFile = certificateChainFile
            self.privateKeyFile = privateKeyFile
        }

        func makeContext() throws -> NIOSSLContext {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile.path).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKeyFile.path, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.applicationProtocols = ["h2", "http/1.1"]
            return try NIOSSLContext(configuration: configuration)
        }
    }

    /// TLS, then HTTP/2 or HTTP/1.1 by ALPN. Each HTTP/2 stream gets its own file handler
    /// behind an HTTP/2-to-HTTP/1 codec, so both protocols share one implementation.
    static func configureTLSPipeline(_ channel: any Channel, sslContext: NIOSSLContext, context: ServerContext) throws {
        // A connection that neither reads nor writes for the idle timeout is closed, whatever
        // it is doing: a stalled handshake, an idle HTTP/2 connection, a stalled download.
        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: context.limits.idleTimeout.timeAmount))
        try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler(logger: context.logger))
        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
        channel.configureHTTP2SecureUpgrade(
            h2ChannelConfigurator: { channel in
                channel.configureHTTP2Pipeline(mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()) { stream in
                    stream.eventLoop.makeCompletedFuture {
                        try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                        try stream.pipeline.syncOperations.addHandler(StaticFileHandler(context: context, transport: .http2))
                    }
                }.map { _ in }
            },
            http1ChannelConfigurator: { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configureHTTP1Pipeline(channel, context: context, transport: .tls)
                }
            }
        ).whenFailure { error in
            context.logger.notice("TLS connection setup failed: \(error)")
            channel.close(promise: nil)
        }
    }
}

/// Closes the connection when `IdleStateHandler` reports it idle.
final class CloseOnIdleHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            logger.debug("closing an idle TLS connection from \(context.remoteAddress?.description ?? "?")")
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
