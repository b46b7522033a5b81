import CrawlModel
@testable import Fetching
import Foundation
import NIOPosix
import Testing

/// The lean HTTP/1.1 fetcher over real TCP, against a server that sends exactly the bytes a
/// test needs: keep-alive, connections the server closed, malformed responses, chunked
/// framing, the per-host limit, the body cap and the read and head timeouts.
@Suite("HTTP1Fetcher over real TCP")
struct HTTP1FetcherTests {
    static func ok(_ body: String, extra: String = "") -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    func url(_ server: RawServer, _ path: String = "/a.css") -> URL { URL(string: "http://127.0.0.1:\(server.port)\(path)")! }

    func fetcher<T>(perHost: Int = 6, options: HTTPClientFetcher.Options = .init(), readTimeout: Duration = .seconds(30),
                    _ body: (HTTP1Fetcher) async throws -> T) async throws -> T {
        try await HTTP1Fetcher.withFetcher(.init(perHostConnections: perHost, readTimeout: readTimeout), options: options, body)
    }

    /// A fetcher and a server each on a thread of their own, for a test whose healthy answer must
    /// arrive within a timeout: in a full parallel run on 2 cores the shared event loops carried
    /// every other test's traffic, and a healthy answer once missed a 5 s head timeout.
    func isolated<T>(_ answer: @escaping @Sendable (Int) -> RawServer.Answer, perHost: Int, options: HTTPClientFetcher.Options,
                     _ body: (RawServer, HTTP1Fetcher) async throws -> T) async throws -> T {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await RawServer.with(answer, group: serverGroup) { server in
                let configuration = HTTP1Fetcher.Configuration(perHostConnections: perHost)
                let pool = HTTP1ConnectionPool(group: clientGroup, perHost: perHost, connectTimeout: configuration.connectTimeout)
                let fetcher = HTTP1Fetcher(pool: pool, configuration: configuration, options: options, epoch: .now)
                do {
                    let result = try await body(server, fetcher)
                    await pool.shutdown()
                    return result
                } catch {
                    await pool.shutdown()
                    throw error
                }
            })
        } catch {
            outcome = .failure(error)
        }
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
        return try outcome.get()
    }

    @Test("requests on one kept-alive connection; the request head carries Host, the path and query, and the headers")
    func keepAlive() async throws {
        try await RawServer.with({ _ in .init(bytes: Self.ok("body{}")) }) { server in
            try await fetcher { f in
                for _ in 0..<3 {
                    let r = await f.fetch(FetchRequest(url: url(server, "/a/b.css?x=1"), headers: [HeaderField(name: "User-Agent", value: "t/1")]))
                    #expect(r.exchange.status == 200)
                    #expect(r.exchange.bodyBytes == 6)
                    #expect(r.exchange.error == nil)
                }
            }
            let counts = server.counts.withLockedValue { $0 }
            #expect(counts.accepted == 1)
            #expect(counts.requests.first == "GET /a/b.css?x=1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nUser-Agent: t/1")
        }
    }

    @Test("a connection the server closed without saying so: the next request goes out on a new one and succeeds")
    func staleConnection() async throws {
        try await RawServer.with({ i in .init(bytes: Self.ok("x"), close: i == 0) }) { server in
            try await fetcher { f in
                #expect(await f.fetch(FetchRequest(url: url(server))).exchange.status == 200)
                let second = await f.fetch(FetchRequest(url: url(server)))
                #expect(second.exchange.status == 200, "\(String(describing: second.exchange.error))")
            }
            #expect(server.counts.withLockedValue { $0.accepted } == 2)
        }
    }

    @Test("Connection: close is honoured: the next request opens a new connection")
    func connectionClose() async throws {
        try await RawServer.with({ i in .init(bytes: Self.ok("x", extra: "Connection: close\r\n"), close: true) }) { server in
            try await fetcher { f in
                for _ in 0..<2 { #expect(await f.fetch(FetchRequest(url: url(server))).exchange.status == 200) }
            }
            #expect(server.counts.withLockedValue { $0.accepted } == 2)
        }
    }

    @Test("a malformed response is an error, and its connection is closed, never reused")
    func malformed() async throws {
        try await RawServer.with({ i in .init(bytes: i == 0 ? "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n" : Self.ok("fine")) }) { server in
            try await fetcher { f in
                let bad = await f.fetch(FetchRequest(url: url(server)))
                #expect(bad.exchange.error?.code == .other)
                #expect(bad.exchange.error?.message.contains("malformed") == true)
                #expect(bad.exchange.status == nil)
                let good = await f.fetch(FetchRequest(url: url(server)))
                #expect(good.exchange.status == 200)
            }
            #expect(server.counts.withLockedValue { $0.accepted } == 2)
        }
    }

    @Test("chunked: header block and body section (framing included) counted exactly, the body kept and decoded without it")
    func chunked() async throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
        let framed = "4\r\n<p>a\r\n4\r\n</p>\r\n0\r\n\r\n"
        try await RawServer.with({ _ in .init(bytes: head + framed) }) { server in
            try await fetcher { f in
                let r = await f.fetch(FetchRequest(url: url(server, "/"), keepBody: { _ in true }))
                #expect(r.exchange.status == 200)
                #expect(r.exchange.headerBytes == head.utf8.count)
                #expect(r.exchange.bodyBytes == framed.utf8.count, "the body section exactly as on the wire")
                #expect(r.exchange.decodedBytes == 8)
                #expect(r.body.map { String(decoding: $0, as: UTF8.self) } == "<p>a</p>")
                #expect(r.exchange.responseHeaders.first("Transfer-Encoding") == "chunked")
                // The connection stays usable after a chunked body.
                #expect(await f.fetch(FetchRequest(url: url(server, "/"))).exchange.status == 200)
            }
            #expect(server.counts.withLockedValue { $0.accepted } == 1)
        }
    }

    @Test("at most --per-host connections to one host; the others wait their turn and all succeed")
    func perHostLimit() async throws {
        try await RawServer.with({ _ in .init(bytes: Self.ok("x"), delay: .milliseconds(50)) }) { server in
            try await fetcher(perHost: 2) { f in
                let statuses = await withTaskGroup(of: Int?.self) { group in
                    for _ in 0..<8 { group.addTask { await f.fetch(FetchRequest(url: url(server))).exchange.status } }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 200, count: 8))
            }
            let counts = server.counts.withLockedValue { $0 }
            #expect(counts.peakOpen <= 2)
            #expect(counts.accepted == 2)
        }
    }

    @Test("a body over the cap is counted up to it and marked; that connection is not reused")
    func bodyCap() async throws {
        let big = String(repeating: "y", count: 5000)
        try await RawServer.with({ _ in .init(bytes: Self.ok(big)) }) { server in
            var options = HTTPClientFetcher.Options()
            options.maxBodyBytes = 1000
            try await fetcher(options: options) { f in
                let r = await f.fetch(FetchRequest(url: url(server), keepBody: { _ in true }))
                #expect(r.exchange.truncated)
                #expect(r.exchange.bodyBytes == 1000)
                #expect(r.exchange.error?.code == .bodyTooLarge)
                #expect(await f.fetch(FetchRequest(url: url(server))).exchange.truncated)
            }
            #expect(server.counts.withLockedValue { $0.accepted } == 2)
        }
    }

    @Test("a body that stalls ends at the read timeout; a head that never comes at the head timeout")
    func timeouts() async throws {
        let stalled = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"
        try await RawServer.with({ i in i == 0 ? .init(bytes: stalled) : .init(bytes: Self.ok("late"), delay: .seconds(20)) }) { server in
            // Each timeout is checked with the other one far away, so a loaded machine that
            // delivers the stalled head late cannot make the head timeout fire first.
            var options = HTTPClientFetcher.Options()
            options.headTimeout = .seconds(30)
            try await fetcher(options: options, readTimeout: .milliseconds(500)) { f in
                let stall = await f.fetch(FetchRequest(url: url(server)))
                #expect(stall.exchange.error?.code == .timeout)
                #expect(stall.exchange.error?.message.hasPrefix("no data for") == true, "\(stall.exchange.error?.message ?? "nil")")
            }
            options.headTimeout = .milliseconds(500)
            try await fetcher(options: options, readTimeout: .seconds(30)) { f in
                let late = await f.fetch(FetchRequest(url: url(server)))
                #expect(late.exchange.error?.code == .timeout)
                #expect(late.exchange.error?.message.hasPrefix("no response head") == true)
                #expect(late.exchange.status == nil)
            }
        }
    }

    @Test("a healthy request queued behind stalled ones gets its answer: its head timeout runs from when it is sent")
    func queuedBehindStalled() async throws {
        // One connection to the host; the first two requests the server sees never get an
        // answer in time, the third does. Whichever of the three goes out third has waited
        // two head timeouts for the slot before it is sent (the order does not matter), so a
        // head timeout counted from the start of the fetch expired before it was written.
        // The fetcher and the server run on threads of their own (see `isolated`), and the head
        // timeout is 8 s: in a full parallel run on 2 cores, on the shared event loops, the
        // healthy answer once took more than 5 s to arrive after it was sent.
        var options = HTTPClientFetcher.Options()
        options.headTimeout = .seconds(8)
        try await isolated({ i in i < 2 ? .init(bytes: Self.ok("late"), delay: .seconds(60)) : .init(bytes: Self.ok("x")) },
                           perHost: 1, options: options) { server, f in
            let results = await withTaskGroup(of: Exchange.self) { group in
                for _ in 0..<3 { group.addTask { await f.fetch(FetchRequest(url: url(server))).exchange } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let answered = results.filter { $0.status == 200 }
            #expect(answered.count == 1, "\(results.map { $0.error?.description ?? "200" })")
            let stalled = results.filter { $0.status == nil }
            #expect(stalled.count == 2)
            #expect(stalled.allSatisfy { $0.error?.message.hasPrefix("no response head") == true })
            #expect(server.counts.withLockedValue { $0.requests.count } == 3, "each request was sent")
        }
    }

    @Test("a body shorter than Content-Length, then closed, is a reset")
    func shortBody() async throws {
        try await RawServer.with({ _ in .init(bytes: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", close: true) }) { server in
            try await fetcher { f in
                let r = await f.fetch(FetchRequest(url: url(server)))
                #expect(r.exchange.error?.code == .reset)
                #expect(r.exchange.error?.message.contains("shorter than Content-Length") == true)
            }
        }
    }

    @Test("a cancelled request ends at once, with an error, and closes its connection")
    func cancellation() async throws {
        try await RawServer.with({ _ in .init(bytes: Self.ok("x"), delay: .seconds(30)) }) { server in
            try await fetcher { f in
                let task = Task { await f.fetch(FetchRequest(url: url(server))) }
                while server.counts.withLockedValue({ $0.requests.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
                task.cancel()
                let r = await task.value
                #expect(r.exchange.error?.code == .timeout)
                #expect(r.exchange.status == nil)
            }
        }
    }

    @Test("refused connections and unknown hosts are values with their reason; https is not for this fetcher")
    func connectFailures() async throws {
        try await fetcher { f in
            #expect(await f.fetch(FetchRequest(url: URL(string: "http://127.0.0.1:1/x")!)).exchange.error?.code == .refused)
            #expect(await f.fetch(FetchRequest(url: URL(string: "http://assets.invalid/x")!)).exchange.error?.code == .dns)
            #expect(await f.fetch(FetchRequest(url: URL(string: "https://127.0.0.1:1/x")!)).exchange.error?.code == .invalidURL)
        }
    }
}
