import CrawlModel
import Fetching
import Foundation
import Testing

/// A fetcher that answers from a script of statuses and records what it saw.
actor Script {
    var statuses: [Int]
    var headers: [HeaderField]
    var calls = 0
    var inFlight = 0
    var peak = 0
    init(_ statuses: [Int], headers: [HeaderField] = []) {
        self.statuses = statuses
        self.headers = headers
    }
    func next() -> (Int, [HeaderField]) {
        calls += 1
        return (statuses.count > 1 ? statuses.removeFirst() : statuses[0], headers)
    }
    func enter() { inFlight += 1; peak = max(peak, inFlight) }
    func leave() { inFlight -= 1 }
}

struct ScriptedFetcher: Fetcher {
    let script: Script
    var hold: Duration = .zero
    func fetch(_ request: FetchRequest) async -> FetchResponse {
        await script.enter()
        if hold > .zero { try? await Task.sleep(for: hold) }
        let (status, headers) = await script.next()
        await script.leave()
        return FetchResponse(exchange: Exchange(url: request.url.absoluteString, status: status, responseHeaders: headers))
    }
}

@Suite("Fetcher wrappers")
struct WrapperTests {
    let url = URL(string: "http://127.0.0.1:9/x")!

    @Test("RetryingFetcher waits Retry-After seconds, capped, and stops after maxRetries")
    func retryAfterCapped() async {
        let script = Script([503], headers: [HeaderField(name: "Retry-After", value: "120")])
        let waits = WaitRecorder()
        let policy = RetryingFetcher.Policy(maxRetries: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(5))
        let fetcher = RetryingFetcher(ScriptedFetcher(script: script), policy: policy, sleep: { await waits.add($0) })
        let response = await fetcher.fetch(FetchRequest(url: url))
        #expect(response.exchange.status == 503)
        #expect(response.exchange.retries == 3)
        #expect(await script.calls == 4)
        #expect(await waits.all == [.seconds(5), .seconds(5), .seconds(5)])
    }

    @Test("RetryingFetcher backs off exponentially without Retry-After, and stops at the first success")
    func backoff() async {
        let script = Script([429, 429, 200, 503])
        let waits = WaitRecorder()
        let policy = RetryingFetcher.Policy(maxRetries: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(5))
        let fetcher = RetryingFetcher(ScriptedFetcher(script: script), policy: policy, sleep: { await waits.add($0) })
        let response = await fetcher.fetch(FetchRequest(url: url))
        #expect(response.exchange.status == 200)
        #expect(response.exchange.retries == 2)
        #expect(await waits.all == [.milliseconds(100), .milliseconds(200)])
    }

    @Test("RetryingFetcher reads Retry-After as an HTTP date, and leaves other statuses alone")
    func retryAfterDate() async {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        let fetcher = RetryingFetcher(ScriptedFetcher(script: Script([404])), now: { now })
        let exchange = Exchange(url: url.absoluteString, status: 503,
                                responseHeaders: [HeaderField(name: "Retry-After", value: "Sun, 06 Nov 1994 08:49:40 GMT")])
        #expect(fetcher.delay(after: exchange, attempt: 0) == .seconds(3))
        let response = await fetcher.fetch(FetchRequest(url: url))
        #expect(response.exchange.status == 404)
        #expect(response.exchange.retries == nil)
    }

    @Test("HostLimitingFetcher never lets more than perHost requests to one host run at once")
    func perHost() async {
        let script = Script([200])
        let limited = HostLimitingFetcher(ScriptedFetcher(script: script, hold: .milliseconds(100)), perHost: 3)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<12 {
                let u = URL(string: "http://127.0.0.1:9/\(i)")!
                group.addTask { _ = await limited.fetch(FetchRequest(url: u)) }
            }
        }
        #expect(await script.calls == 12)
        #expect(await script.peak <= 3)
        #expect(await limited.peakInFlight("http://127.0.0.1:9") == 3)
    }

    @Test("HostLimitingFetcher counts hosts separately")
    func separateHosts() async {
        let script = Script([200])
        let limited = HostLimitingFetcher(ScriptedFetcher(script: script, hold: .milliseconds(20)), perHost: 1)
        await withTaskGroup(of: Void.self) { group in
            for host in ["127.0.0.1:9", "127.0.0.2:9", "127.0.0.1:9", "127.0.0.2:9"] {
                let u = URL(string: "http://\(host)/")!
                group.addTask { _ = await limited.fetch(FetchRequest(url: u)) }
            }
        }
        #expect(await limited.peakInFlight("http://127.0.0.1:9") == 1)
        #expect(await limited.peakInFlight("http://127.0.0.2:9") == 1)
        #expect(await script.calls == 4)
    }

    @Test("a waiter cancelled before its turn comes back as not fetched, without taking a slot")
    func cancelledWaiter() async {
        let script = Script([200])
        let limited = HostLimitingFetcher(ScriptedFetcher(script: script, hold: .milliseconds(300)), perHost: 1)
        let first = Task { await limited.fetch(FetchRequest(url: URL(string: "http://127.0.0.1:9/1")!)) }
        while await script.inFlight == 0 { await Task.yield() }
        let second = Task { await limited.fetch(FetchRequest(url: URL(string: "http://127.0.0.1:9/2")!)) }
        second.cancel()
        let cancelled = await second.value
        #expect(cancelled.exchange.error?.code == .notFetched)
        #expect(await first.value.exchange.status == 200)
        #expect(await script.calls == 1)
        // The slot is free again.
        #expect(await limited.fetch(FetchRequest(url: URL(string: "http://127.0.0.1:9/3")!)).exchange.status == 200)
    }
}

actor WaitRecorder {
    var all: [Duration] = []
    func add(_ d: Duration) { all.append(d) }
}

@Suite("Politeness delay")
struct DelayTests {
    actor Starts {
        var instants: [ContinuousClock.Instant] = []
        func add() { instants.append(.now) }
    }

    struct StampingFetcher: Fetcher {
        let starts: Starts
        func fetch(_ request: FetchRequest) async -> FetchResponse {
            await starts.add()
            return FetchResponse(exchange: Exchange(url: request.url.absoluteString, status: 200))
        }
    }

    @Test("--delay spaces the starts of requests to one host by at least the delay, even when they all arrive at once")
    func spacing() async {
        let starts = Starts()
        let delay = Duration.milliseconds(40)
        let limited = HostLimitingFetcher(StampingFetcher(starts: starts), perHost: 4, delay: delay)
        let before = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<5 {
                let u = URL(string: "http://127.0.0.1:9/\(i)")!
                group.addTask { _ = await limited.fetch(FetchRequest(url: u)) }
            }
        }
        let instants = await starts.instants.sorted()
        #expect(instants.count == 5)
        // The k-th start is scheduled k delays after the first request asked, which was after `before`.
        for (k, instant) in instants.enumerated() {
            #expect(instant - before >= delay * k)
        }
    }
}
