public import Foundation
public import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOConcurrencyHelpers
internal import NIOSSL

/// The embedded static file server.
///
/// ```swift
/// try await FixtureServer.withFixtureServer(root: siteURL) { baseURL in
///     // baseURL is http://127.0.0.1:PORT/
/// }
/// ```
public final class FixtureServer: Sendable {
    /// Where and how to serve. For https (HTTP/2 and HTTP/1.1 by ALPN) and misbehaving paths:
    ///
    /// ```swift
    /// var configuration = FixtureServer.Configuration(root: siteURL)
    /// configuration.tls = FixtureServer.TLS(certificateChainFile: certPEM, privateKeyFile: keyPEM)
    /// configuration.policy = ServerPolicy(rules: [
    ///     .init(match: "img/*.png", fault: Fault(status: 503, retryAfter: 1, times: 1)),
    /// ])
    /// try await FixtureServer.withFixtureServer(configuration) { baseURL in
    ///     // baseURL is https://127.0.0.1:PORT/
    /// }
    /// ```
    public struct Configuration: Sendable {
        public var root: URL
        public var host: String = "127.0.0.1"
        /// 0 picks a free ephemeral port.
        public var port: Int = 0
        public var policy: ServerPolicy = .default
        /// Serve files whose real path leaves the root through a symlink (refused with 403 by default).
        public var followSymlinks = false
        /// https (HTTP/2 and HTTP/1.1 by ALPN) instead of plain HTTP/1.1.
        public var tls: TLS?
        public var limits = ServerLimits()
        /// Called once per HTTP/1.x response with the bytes written for it (tests compare a
        /// client's byte counts with it); nil costs nothing.
        public var onResponse: (@Sendable (ServedResponse) -> Void)?
        public init(root: URL) { self.root = root }
    }

    public enum SetupError: Error, CustomStringConvertible {
        case rootNotFound(String)
        public var description: String {
            switch self {
            case .rootNotFound(let path): return "the folder to serve does not exist: \(path)"
            }
        }
    }

    let channel: any Channel
    let context: ServerContext
    /// `http://host:port/` (or `https://`) of the listening socket.
    public let baseURL: URL

    private init(channel: any Channel, context: ServerContext, baseURL: URL) {
        self.channel = channel
        self.context = context
        self.baseURL = baseURL
    }

    /// Binds and starts serving. Call ``shutdown()`` when done, or use ``withFixtureServer(_:logger:_:)``.
    public static func start(_ configuration: Configuration, logger: Logger = Logger(label: "assetcrawl.server", factory: { _ in SwiftLogNoOpLogHandler() })) async throws -> FixtureServer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SetupError.rootNotFound(configuration.root.path)
        }
        let context = ServerContext(
            resolver: PathResolver(root: configuration.root.path, followSymlinksOutOfRoot: configuration.followSymlinks),
            policy: configuration.policy, limits: configuration.limits, logger: logger, isTLS: configuration.tls != nil,
            onResponse: configuration.onResponse
        )
        let sslContext = try configuration.tls?.makeContext()
        let connections = NIOLockedValueBox(0)
        let maxConnections = configuration.limits.maxConnections
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let admitted = connections.withLockedValue { count -> Bool in
                    guard count < maxConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else {
                    logger.notice("refused a connection from \(channel.remoteAddress?.description ?? "?"): \(maxConnections) connections already open")
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in connections.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try configureTLSPipeline(channel, sslContext: sslContext, context: context)
                    } else {
                        try configureHTTP1Pipeline(channel, context: context, transport: .plain)
                    }
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = channel.localAddress?.port ?? configuration.port
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let scheme = configuration.tls == nil ? "http" : "https"
        return FixtureServer(channel: channel, context: context, baseURL: URL(string: "\(scheme)://\(host):\(port)/")!)
    }

    /// HTTP/1.1: the request reader (plain GET and HEAD heads read by ``HTTP1RequestHeadScanner``,
    /// everything else by NIO's llhttp decoder with the configured limits, see
    /// ``HTTP1RequestReader``), then the file handler, which writes responses as bytes itself
    /// and answers protocol errors (400/431). NIO's response encoder and pipelining handler
    /// are left out: behind them a fixed 304 runs at about 0.87× of the same 304 without them
    /// (`FLOOR=1 Benchmarks/server.sh`), and the handler keeps the order of pipelined requests itself.
    static func configureHTTP1Pipeline(_ channel: any Channel, context: ServerContext, transport: StaticFileHandler.Transport) throws {
        try channel.pipeline.syncOperations.addHandler(HTTP1RequestReader(limits: context.limits))
        try channel.pipeline.syncOperations.addHandler(StaticFileHandler(context: context, transport: transport))
    }

    /// Stops listening and waits until the socket is closed.
    public func shutdown() async throws {
        try await channel.close()
        await context.stopCaches()
    }

    /// Waits until the server stops (after ``shutdown()`` from elsewhere).
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Starts a server on `configuration`, runs `body` with its base URL, and always stops it.
    public static func withFixtureServer<T>(
        _ configuration: Configuration, logger: Logger = Logger(label: "assetcrawl.server", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (URL) async throws -> T
    ) async throws -> T {
        let server = try await start(configuration, logger: logger)
        do {
            let result = try await body(server.baseURL)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// Convenience: serve `root` with the default policy on 127.0.0.1, port 0.
    public static func withFixtureServer<T>(root: URL, policy: ServerPolicy = .default, _ body: (URL) async throws -> T) async throws -> T {
        var configuration = Configuration(root: root)
        configuration.policy = policy
        return try await withFixtureServer(configuration, body)
    }
}
