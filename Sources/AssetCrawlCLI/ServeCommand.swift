internal import ArgumentParser
internal import FixtureServer
internal import Foundation
internal import Logging

/// `assetcrawl serve DIR`: the embedded static server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a folder with correct HTTP caching (strong ETags, Last-Modified, 304s)."
    )

    @Argument(help: "The folder to serve.")
    var directory: String?

    @Option(name: .long, help: ArgumentHelp("Serve a generated site of this many pages instead of a folder (3 URLs a page, nothing on disk): for benchmarks and scale tests.", valueName: "pages"))
    var synthetic: Int?

    @Option(name: .long, help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, parsing: .unconditional, help: "The port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Option(name: .long, help: ArgumentHelp("A policy file (JSON) with Cache-Control and header rules; default: .assetcrawl-policy.json in the folder, else the built-in policy.", valueName: "file"))
    var policy: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info (a line per request), notice (refused requests), warning, error or critical.")
    var logLevel: String = "notice"

    @Flag(name: .customLong("follow-symlinks"), help: "Serve files reached through symlinks that lead out of the folder (refused with 403 by default).")
    var followSymlinks = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve https (HTTP/2 and HTTP/1.1) with this PEM certificate chain; needs --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key for --tls-cert.", valueName: "file"))
    var tlsKey: String?

    func validate() throws {
        try OptionValidation.count("--port", port, in: 0...65535, example: 8080)
        if let synthetic { try OptionValidation.count("--synthetic", synthetic, in: 1...100_000_000, example: 1000) }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together, e.g. --tls-cert cert.pem --tls-key key.pem")
        }
    }

    func run() async throws {
        var logger = Logger(label: "assetcrawl.server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        if let synthetic { return try await serveSynthetic(pages: synthetic) }
        guard let directory else {
            throw UsageError(message: "give the folder to serve, e.g. assetcrawl serve Samples/FixtureSite (or --synthetic PAGES)")
        }
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError(message: "no such folder: \(directory) (give the folder to serve, e.g. assetcrawl serve Samples/FixtureSite)")
        }
        var configuration = FixtureServer.Configuration(root: root)
        configuration.host = host
        configuration.port = port
        let (loaded, policyDescription) = try ServePolicyLoader.loadDescribed(root: root, file: policy)
        configuration.policy = loaded
        configuration.followSymlinks = followSymlinks
        if let tlsCert, let tlsKey {
            for file in [tlsCert, tlsKey] where !FileManager.default.fileExists(atPath: file) {
                throw UsageError(message: "no such file: \(file) (give the PEM files of the certificate and its key)")
            }
            configuration.tls = FixtureServer.TLS(
                certificateChainFile: URL(fileURLWithPath: tlsCert), privateKeyFile: URL(fileURLWithPath: tlsKey)
            )
        }
        let server: FixtureServer
        do {
            server = try await FixtureServer.start(configuration, logger: logger)
        } catch {
            throw UsageError(message: "cannot start on \(host):\(port): \(error) (try another --port, or --port 0; check the TLS files)")
        }
        // Signals are watched before the URL is printed: whoever reads the URL may stop us at once.
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) {
            Task { try? await server.shutdown() }
        }
        // Which policy on stderr: stdout's first line is the URL, for scripts to read.
        FileHandle.standardError.write(Data((policyDescription + "\n").utf8))
        FileHandle.standardOutput.write(Data("serving \(root.path) at \(server.baseURL.absoluteString)\n".utf8))
        try await server.waitUntilClosed()
        signals.cancel()
    }
}

/// Loads the server policy: an explicit file, else `.assetcrawl-policy.json` in the root, else
/// the built-in one. A file adds to the built-in policy unless it says `"inherit": false`.
enum ServePolicyLoader {
    static let fileName = ".assetcrawl-policy.json"

    static func load(root: URL, file: String?) throws -> ServerPolicy {
        try loadDescribed(root: root, file: file).policy
    }

    /// The policy and a line that says which it is, for `serve` to print.
    static func loadDescribed(root: URL, file: String?) throws -> (policy: ServerPolicy, description: String) {
        let url = file.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            if let file { throw UsageError(message: "no such policy file: \(file)") }
            return (.default, "policy: the built-in one (no \(fileName) in the folder)")
        }
        let policy: ServerPolicy
        do {
            policy = try JSONDecoder().decode(ServerPolicy.self, from: Data(contentsOf: url))
        } catch {
            throw UsageError(message: "cannot read the policy \(url.path): \(error)")
        }
        if policy.inherit == false {
            return (policy, "policy: \(url.path) alone (\"inherit\": false; no built-in headers)")
        }
        return (policy.adding(to: .default), "policy: \(url.path) added to the built-in one (its rules first)")
    }
}

/// Calls `handler` once when one of `signals` arrives; the default action is disabled meanwhile.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// Returns once every source is registered: libdispatch registers them asynchronously,
    /// and a signal that arrived before that (after `SIG_IGN`) would be lost.
    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        let registered = DispatchGroup()
        sources = signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.resume()
            return source
        }
        _ = registered.wait(timeout: .now() + 5)
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
