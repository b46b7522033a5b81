@testable import FixtureServer
import NIOCore
import NIOHTTP1
import Testing

/// The connection's rules without a socket or a sleep: events in, actions out, time moved by
/// hand on a manual clock. (Each timeout also has one test over a real socket, in HardeningTests.)
@Suite("HTTP/1 connection state machine: keep-alive, pipelining order and every timeout")
struct HTTP1ConnectionStateMachineTests {
    typealias Machine = HTTP1ConnectionStateMachine
    let clock = ServerClock.manual()

    func machine(framing: Machine.Framing = .http1, request: Duration = .seconds(10), body: Duration = .seconds(10),
                 idle: Duration = .seconds(60), send: Duration = .seconds(60)) -> Machine {
        var limits = ServerLimits()
        (limits.requestTimeout, limits.bodyTimeout, limits.idleTimeout, limits.sendTimeout) = (request, body, idle, send)
        limits.clock = clock
        var m = Machine(framing: framing, limits: limits)
        m.activated()
        return m
    }

    func head(_ uri: String = "/a", version: HTTPVersion = .http1_1, _ headers: [(String, String)] = [("Host", "a")]) -> HTTPRequestHead {
        HTTPRequestHead(version: version, method: .GET, uri: uri, headers: HTTPHeaders(headers))
    }

    /// Feeds a whole request; returns the action its end gave.
    func request(_ m: inout Machine, _ h: HTTPRequestHead) -> Machine.Action {
        #expect(m.read(.head(h)) == .none)
        return m.read(.end(nil))
    }

    func isRespond(_ action: Machine.Action?, uri: String, keepAlive: Bool = true) -> Bool {
        if case .respond(let h, _, let k)? = action { return h.uri == uri && k == keepAlive }
        return false
    }

    let busy = Machine.Outstanding(buffered: 100, acknowledged: 0, inKernel: true)

    @Test("an HTTP/1.1 request is answered and the connection kept alive")
    func keepAlive() {
        var m = machine()
        #expect(isRespond(request(&m, head()), uri: "/a"))
        #expect(m.state == .responding(last: false))
        #expect(m.responseEnded(keepAlive: true) == .none)
        guard case .idle = m.state else { Issue.record("not idle: \(m.state)"); return }
        #expect(m.nextQueued() == nil)
    }

    @Test("Connection: close, HTTP/1.0 without keep-alive, or a response that cannot be delimited close after the response")
    func closing() {
        for h in [head("/a", [("Host", "a"), ("Connection", "close")]), head("/a", version: .http1_0, [])] {
            var m = machine()
            #expect(isRespond(request(&m, h), uri: "/a", keepAlive: false))
            #expect(m.responseEnded(keepAlive: false) == .closeAfterResponse)
            #expect(m.state == .closing)
            #expect(m.read(.head(head())) == .none, "input after the last response is ignored")
        }
        var m = machine()
        #expect(isRespond(request(&m, head("/a", version: .http1_0, [("Connection", "keep-alive")])), uri: "/a"))
        #expect(m.responseEnded(keepAlive: false) == .closeAfterResponse, "the handler found the response needs a close")
    }

    @Test("pipelined requests wait while a response is produced, reading stops once, and they are answered in order")
    func pipelining() {
        var m = machine()
        #expect(isRespond(request(&m, head("/1")), uri: "/1"))
        #expect(m.read(.head(head("/2"))) == .stopReading)
        #expect(m.read(.end(nil)) == .none)
        #expect(m.read(.head(head("/3"))) == .none)
        #expect(m.read(.end(nil)) == .none)
        #expect(m.nextQueued() == nil, "nothing starts while /1 is being answered")
        #expect(m.responseEnded(keepAlive: true) == .none)
        #expect(m.nextQueued() == Machine.Action.none)
        #expect(isRespond(m.nextQueued(), uri: "/2"))
        #expect(m.nextQueued() == nil, "/3 waits for /2")
        #expect(m.responseEnded(keepAlive: true) == .none)
        #expect(m.nextQueued() == Machine.Action.none)
        #expect(isRespond(m.nextQueued(), uri: "/3"))
        #expect(m.responseEnded(keepAlive: true) == .none)
        #expect(m.nextQueued() == .resumeReading)
        #expect(m.nextQueued() == nil)
    }

    @Test("a parse error behind a pipelined request is answered after it, then the connection closes")
    func protocolErrorInTurn() {
        var m = machine()
        #expect(isRespond(request(&m, head("/1")), uri: "/1"))
        let refusal = Machine.Refusal(status: .badRequest, reason: "invalid header")
        #expect(m.protocolError(refusal) == .stopReading)
        #expect(m.responseEnded(keepAlive: true) == .none)
        #expect(m.nextQueued() == .refuse(refusal))
        #expect(m.read(.head(head("/2"))) == .none, "nothing more is read after a refusal")
        #expect(m.responseEnded(keepAlive: true) == .closeAfterResponse)
        #expect(m.nextQueued() == nil)
        // With nothing in progress, at once.
        var idle = machine()
        #expect(idle.protocolError(refusal) == .refuse(refusal))
        #expect(idle.protocolError(refusal) == .none)
    }

    @Test("request heads an HTTP/1.x server must refuse (RFC 9112 §3.2, §6.1), then close")
    func refusals() {
        var limits = ServerLimits()
        limits.maxRequestTargetBytes = 10
        func refused(_ h: HTTPRequestHead) -> HTTPResponseStatus? { Machine.refusal(of: h, fields: RequestFields(h.headers), limits: limits)?.status }
        #expect(refused(head("/" + String(repeating: "a", count: 10))) == .uriTooLong)
        #expect(refused(head("/a", [])) == .badRequest)
        #expect(refused(head("/a", version: .http1_0, [])) == nil)
        #expect(refused(head("/a", [("Host", "a"), ("Host", "b")])) == .badRequest)
        #expect(refused(head("/a", [("Host", "a"), ("Content-Length", "1"), ("Transfer-Encoding", "chunked")])) == .badRequest)
        #expect(refused(head()) == nil)
        var m = machine()
        guard case .refuse(let refusal) = m.read(.head(head("/a", []))) else { Issue.record("not refused"); return }
        #expect(refusal.head?.uri == "/a" && refusal.reason.contains("without Host"))
        #expect(m.read(.end(nil)) == .none)
        #expect(m.responseEnded(keepAlive: true) == .closeAfterResponse)
    }

    @Test("head timeout: bytes that complete no request start it; cut off past it, not before")
    func headTimeout() {
        var m = machine(request: .seconds(10))
        m.readComplete()
        guard case .readingHead = m.state else { Issue.record("not reading a head: \(m.state)"); return }
        clock.advance(by: .seconds(10))
        #expect(m.tick(outstanding: .init()) == .none)
        clock.advance(by: .milliseconds(1))
        #expect(m.tick(outstanding: .init()) == .timedOut(.head))
        #expect(m.state == .closed)
    }

    @Test("a read that ended a request starts no head clock, even when the response was already sent")
    func readThatEndedARequest() {
        var m = machine(request: .seconds(1), idle: .seconds(60))
        #expect(isRespond(request(&m, head()), uri: "/a"))
        #expect(m.responseEnded(keepAlive: true) == .none)
        m.readComplete()
        guard case .idle = m.state else { Issue.record("not idle: \(m.state)"); return }
        clock.advance(by: .seconds(5))
        #expect(m.tick(outstanding: .init()) == .none)
    }

    @Test("body timeout: from the end of the head to the end of the request")
    func bodyTimeout() {
        var m = machine(request: .seconds(60), body: .seconds(2))
        let post = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/a", headers: ["Host": "a", "Content-Length": "10"])
        #expect(m.read(.head(post)) == .none)
        #expect(m.read(.body(ByteBuffer(string: "abc"))) == .none)
        m.readComplete()
        clock.advance(by: .seconds(2))
        #expect(m.tick(outstanding: .init()) == .none)
        clock.advance(by: .milliseconds(1))
        #expect(m.tick(outstanding: .init()) == .timedOut(.body))
    }

    @Test("idle timeout: runs from the end of the last response once nothing is on its way, cut off past it")
    func idleTimeout() {
        var m = machine(idle: .seconds(5))
        #expect(isRespond(request(&m, head()), uri: "/a"))
        #expect(m.responseEnded(keepAlive: true) == .none)
        // The response is still in the kernel and the client takes it: not idle meanwhile.
        for acked in 1...10 {
            clock.advance(by: .seconds(1))
            #expect(m.tick(outstanding: .init(buffered: 0, acknowledged: UInt64(acked), inKernel: true)) == .none)
        }
        #expect(m.tick(outstanding: .init(acknowledged: 11)) == .none, "all out: the idle clock starts now")
        clock.advance(by: .seconds(5))
        #expect(m.tick(outstanding: .init(acknowledged: 11)) == .none)
        clock.advance(by: .milliseconds(1))
        #expect(m.tick(outstanding: .init(acknowledged: 11)) == .timedOut(.idle))
    }

    @Test("send timeout: a response of which the client takes nothing; steady acknowledgements are progress")
    func sendTimeout() {
        var m = machine(idle: .seconds(1), send: .seconds(3))
        #expect(isRespond(request(&m, head()), uri: "/a"))
        // Slow but steady: each tick the client has acknowledged more, for far longer than both timeouts.
        for acked in 1...20 {
            clock.advance(by: .seconds(2))
            #expect(m.tick(outstanding: .init(buffered: 1 << 20, acknowledged: UInt64(acked) << 16, inKernel: true)) == .none)
        }
        #expect(m.responseEnded(keepAlive: true) == .none)
        // Stalled: the same state at every tick.
        let stalled = Machine.Outstanding(buffered: 1 << 20, acknowledged: 21 << 16, inKernel: true)
        #expect(m.tick(outstanding: stalled) == .none)
        clock.advance(by: .seconds(3))
        #expect(m.tick(outstanding: stalled) == .none)
        clock.advance(by: .milliseconds(1))
        #expect(m.tick(outstanding: stalled) == .timedOut(.send))
    }

    @Test("a refused request's error that the client does not read is cut off by the send timeout")
    func sendTimeoutWhileClosing() {
        var m = machine(send: .seconds(1))
        #expect(m.protocolError(.init(status: .badRequest, reason: "x")) != .none)
        #expect(m.tick(outstanding: busy) == .none)
        clock.advance(by: .seconds(2))
        #expect(m.tick(outstanding: busy) == .timedOut(.send))
    }

    @Test("an HTTP/2 stream: no timeouts, no head checks, always kept (the stream's end is the codec's)")
    func http2Stream() {
        var m = machine(framing: .http2Stream, request: .milliseconds(10), idle: .milliseconds(10))
        m.readComplete()
        #expect(isRespond(request(&m, head("/a", version: .http2, [])), uri: "/a"))
        clock.advance(by: .seconds(60))
        #expect(m.tick(outstanding: busy) == .none)
        #expect(m.responseEnded(keepAlive: true) == .none)
        #expect(m.tick(outstanding: .init()) == .none)
    }

    @Test("the tick runs at a quarter of the shortest timeout, between 10 ms and 1 s")
    func tickInterval() {
        #expect(machine().tickInterval == .seconds(1))
        #expect(machine(idle: .seconds(2)).tickInterval == .milliseconds(500))
        #expect(machine(body: .milliseconds(1)).tickInterval == .milliseconds(10))
    }
}
