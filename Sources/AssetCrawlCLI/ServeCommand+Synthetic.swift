internal import FixtureServer
internal import Foundation

extension ServeCommand {
    /// `assetcrawl serve --synthetic PAGES`: a generated site, until SIGINT or SIGTERM.
    func serveSynthetic(pages: Int) async throws {
        guard pages >= 1 else { throw UsageError(message: "--synthetic needs a number of pages, e.g. --synthetic 10000") }
        if directory != nil { throw UsageError(message: "give a folder or --synthetic PAGES, not both") }
        let site = SyntheticSite(pages: pages)
        let server: SyntheticServer
        do { server = try await SyntheticServer.start(site, host: host, port: port) } catch {
            throw UsageError(message: "cannot start on \(host):\(port): \(error) (try another --port, or --port 0)")
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) {
            Task { try? await server.shutdown() }
        }
        FileHandle.standardOutput.write(Data("serving a synthetic site of \(pages) pages (\(site.urlCount) URLs) at \(server.baseURL.absoluteString)\n".utf8))
        try await server.waitUntilClosed()
        signals.cancel()
        FileHandle.standardError.write(Data("answered \(server.requests) requests\n".utf8))
    }
}
