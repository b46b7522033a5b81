// fetch-floor MODE URLS [CONCURRENCY]: fetches every URL listed in the file URLS (one per line,
// plain http://, one host) with CONCURRENCY requests in flight (default 16), counts body bytes,
// and prints requests, failures, wall time, requests/s and CPU (user+sys, getrusage) per request.
// What the crawl adds on top of these is its own cost; these are what the client costs.
//
//   ahc          AsyncHTTPClient alone: `execute` and the body stream, CONCURRENCY tasks
//   nio          a bare SwiftNIO HTTP/1.1 client pipeline (NIO's request encoder and response
//                decoder), CONCURRENCY kept-alive connections, no Swift Concurrency at all
//   fetcher-ahc  the crawler's HTTPClientFetcher (AsyncHTTPClient) through the Fetcher protocol
//   fetcher-nio  the crawler's HTTP1Fetcher (lean SwiftNIO pool) through the Fetcher protocol
//
// With TAKEOVER=1 Swift Concurrency runs on NIO's event loops (as `assetcrawl` does).
// See Benchmarks/fetch-floor.sh, which runs these beside wget2 and curl against nginx.
import AsyncHTTPClient
import CrawlModel
import Fetching
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: fetch-floor ahc|nio|fetcher-ahc|fetcher-nio URLS [CONCURRENCY]\n".utf8))
    exit(2)
}
if ProcessInfo.processInfo.environment["TAKEOVER"] == "1" {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
/// The run's inputs, as lazily initialised constants any thread can read.
enum Run {
    static let mode = CommandLine.arguments[1]
    static let urls = ((try? String(contentsOfFile: CommandLine.arguments[2], encoding: .utf8)) ?? "")
        .split(separator: "\n").map(String.init)
    static let concurrency = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 16 : 16
    static let acceptEncoding = "gzip, deflate"
    static let userAgent = "assetcrawl/0.1"
}
let mode = Run.mode

/// Counts shared by the workers.
final class Tally: Sendable {
    let next = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    func take() -> Int? {
        let i = next.add(1, ordering: .relaxed).oldValue
        return i < Run.urls.count ? i : nil
    }
}
enum Shared { static let tally = Tally() }

func cpuSeconds() -> (user: Double, sys: Double) {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
}

/// `Run.concurrency` tasks, each fetching the next URL until none is left.
func workers(_ fetch: @escaping @Sendable (String) async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<Run.concurrency {
            group.addTask { while let i = Shared.tally.take() { await fetch(Run.urls[i]) } }
        }
    }
}

func runAHC() async throws {
    var configuration = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: Run.concurrency),
        decompression: .disabled)
    configuration.httpVersion = .automatic
    try await HTTPClient.withHTTPClient(configuration: configuration) { client in
        await workers { url in
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: Run.userAgent)
            request.headers.add(name: "Accept-Encoding", value: Run.acceptEncoding)
            do {
                let response = try await client.execute(request, timeout: .seconds(30))
                var count = 0
                for try await buffer in response.body { count += buffer.readableBytes }
                Shared.tally.bytes.add(count, ordering: .relaxed)
                if response.status.code >= 400 { Shared.tally.failures.add(1, ordering: .relaxed) }
            } catch {
                Shared.tally.failures.add(1, ordering: .relaxed)
            }
        }
    }
}

func runFetcher(_ fetcher: any Fetcher) async {
    let headers = [HeaderField(name: "User-Agent", value: Run.userAgent), HeaderField(name: "Accept-Encoding", value: Run.acceptEncoding)]
    await workers { url in
        let response = await fetcher.fetch(FetchRequest(url: URL(string: url)!, headers: headers, digest: false))
        Shared.tally.bytes.add(response.exchange.bodyBytes, ordering: .relaxed)
        if response.exchange.error != nil || (response.exchange.status ?? 500) >= 400 { Shared.tally.failures.add(1, ordering: .relaxed) }
    }
}

/// The bare pipeline: one handler per connection sends the next request when a response ends.
final class FloorHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let host: String
    let done: EventLoopPromise<Void>
    var count = 0
    var closing = false

    init(host: String, done: EventLoopPromise<Void>) {
        self.host = host
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) { sendNext(context) }

    func sendNext(_ context: ChannelHandlerContext) {
        guard let i = Shared.tally.take(), let url = URL(string: Run.urls[i]) else {
            context.close(promise: nil)
            return
        }
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        let headers: HTTPHeaders = ["Host": host, "User-Agent": Run.userAgent, "Accept-Encoding": Run.acceptEncoding]
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status.code >= 400 { Shared.tally.failures.add(1, ordering: .relaxed) }
            closing = !head.isKeepAlive
        case .body(let buffer):
            count += buffer.readableBytes
        case .end:
            Shared.tally.bytes.add(count, ordering: .relaxed)
            count = 0
            if closing { context.close(promise: nil) } else { sendNext(context) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) { done.succeed(()) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        Shared.tally.failures.add(1, ordering: .relaxed)
        context.close(promise: nil)
    }
}

func runNIO() async throws {
    guard let first = URL(string: Run.urls[0]), let host = first.host else { return }
    let port = first.port ?? 80
    let group = MultiThreadedEventLoopGroup.singleton
    // One slot per connection; a connection the server closes (keepalive_requests) is replaced.
    try await withThrowingTaskGroup(of: Void.self) { slots in
        for _ in 0..<Run.concurrency {
            slots.addTask {
                while Shared.tally.next.load(ordering: .relaxed) < Run.urls.count {
                    let loop = group.next()
                    let done = loop.makePromise(of: Void.self)
                    let bootstrap = ClientBootstrap(group: loop)
                        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                                try channel.pipeline.syncOperations.addHandler(FloorHandler(host: "\(host):\(port)", done: done))
                            }
                        }
                    _ = try await bootstrap.connect(host: host, port: port).get()
                    try await done.futureResult.get()
                }
            }
        }
        try await slots.waitForAll()
    }
}

let wallStart = Date()
let cpuStart = cpuSeconds()
switch mode {
case "ahc": try await runAHC()
case "nio": try await runNIO()
case "fetcher-ahc":
    var configuration = HTTPClientFetcher.clientConfiguration(perHostConnections: Run.concurrency)
    configuration.connectionPool.retryConnectionEstablishment = false
    try await HTTPClientFetcher.withFetcher(configuration) { await runFetcher($0) }
case "fetcher-nio":
    try await HTTP1Fetcher.withFetcher(.init(perHostConnections: Run.concurrency)) { await runFetcher($0) }
default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
}
let wall = Date().timeIntervalSince(wallStart)
let cpu = cpuSeconds()
let user = cpu.user - cpuStart.user, sys = cpu.sys - cpuStart.sys
let n = Run.urls.count
print(String(format: "%@ requests=%d failures=%d bytes=%d wall=%.3f req/s=%.0f user=%.3f sys=%.3f cpu_us_per_req=%.1f",
             mode, n, Shared.tally.failures.load(ordering: .relaxed), Shared.tally.bytes.load(ordering: .relaxed), wall, Double(n) / wall,
             user, sys, (user + sys) / Double(n) * 1e6))
