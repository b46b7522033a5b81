public import Foundation
public import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// The embedded static file server.
///
/// ```swift
/// try await FixtureServer.withFixtureServer(root: siteURL) { baseURL in
///     // baseURL is http://127.0.0.1:PORT/
/// }
/// ```
public final class FixtureServer: Sendable {
    public struct Configuration: Sendable {
        public var root: URL
        public var host: String = "127.0.0.1"
        /// 0 picks a free ephemeral port.
        public var port: Int = 0
        public var policy: ServerPolicy = .default
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
    /// `http://host:port/` of the listening socket.
    public let baseURL: URL

    private init(channel: any Channel, baseURL: URL) {
        self.channel = channel
        self.baseURL = baseURL
    }

    /// Binds and starts serving. Call ``shutdown()`` when done, or use ``withFixtureServer(_:logger:_:)``.
    public static func start(_ configuration: Configuration, logger: Logger = Logger(label: "assetcrawl.server", factory: { _ in SwiftLogNoOpLogHandler() })) async throws -> FixtureServer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SetupError.rootNotFound(configuration.root.path)
        }
        let context = ServerContext(resolver: PathResolver(root: configuration.root.path), policy: configuration.policy, logger: logger)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(StaticFileHandler(context: context))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = channel.localAddress?.port ?? configuration.port
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return FixtureServer(channel: channel, baseURL: URL(string: "http://\(host):\(port)/")!)
    }

    /// Stops listening and waits until the socket is closed.
    public func shutdown() async throws {
        try await channel.close()
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
