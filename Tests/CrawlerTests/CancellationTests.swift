import Crawler
import CrawlModel
import Fetching
import Foundation
import Testing

/// A fetcher that serves a home page linking to /a and /b, answers /a at once, and holds
/// /b until the task is cancelled, telling the test when /b has started.
struct HangingFetcher: Fetcher {
    let started: AsyncStream<Void>.Continuation

    func fetch(_ request: FetchRequest) async -> FetchResponse {
        let url = request.url.absoluteString
        var exchange = Exchange(url: url, requestHeaders: request.headers)
        if url.hasSuffix("/b") {
            started.yield()
            try? await Task.sleep(for: .seconds(3600))
            exchange.error = FetchError(.other, "cancelled")
            return FetchResponse(exchange: exchange)
        }
        exchange.status = 200
        exchange.headerBytes = 40
        if url.hasSuffix("/") {
            exchange.responseHeaders = [HeaderField(name: "Content-Type", value: "text/html")]
            let body = Array(#"<a href="/a">a</a><a href="/b">b</a>"#.utf8)
            exchange.bodyBytes = body.count
            return FetchResponse(exchange: exchange, body: request.keepBody("text/html") ? body : nil)
        }
        exchange.responseHeaders = [HeaderField(name: "Content-Type", value: "text/html")]
        return FetchResponse(exchange: exchange, body: Array("<p>a</p>".utf8))
    }
}

@Suite("Cancellation")
struct CancellationTests {
    @Test("cancelling the crawl task returns the partial result with stopReason interrupted")
    func interrupted() async throws {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        var configuration = CrawlConfiguration(startURLs: [URL(string: "http://site.invalid/")!])
        configuration.respectRobots = false
        configuration.revalidate = false
        let crawler = Crawler(fetcher: HangingFetcher(started: continuation), configuration: configuration)
        let task = Task { await crawler.run() }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        let result = await task.value
        guard case .interrupted = result.stopReason else { Issue.record("\(String(describing: result.stopReason))"); return }
        #expect(result.pages.contains { $0.url == "http://site.invalid/" })
        #expect(result.resources["http://site.invalid/b"] == nil)
    }
}
