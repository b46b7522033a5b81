import FixtureServer
import Foundation
import TestSupport
import Logging
import NIOConcurrencyHelpers
import Testing

/// Collects log messages so tests can check that refusals say why.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Logger.Level, String)] = []

    var logger: Logger {
        var logger = Logger(label: "test.server") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    func messages(atLeast level: Logger.Level) -> [String] {
        lock.lock(); defer { lock.unlock() }
        return entries.filter { $0.0 >= level }.map(\.1)
    }

    fileprivate func append(_ level: Logger.Level, _ message: String) {
        lock.lock(); defer { lock.unlock() }
        entries.append((level, message))
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            recorder.append(level, message.description)
        }
    }
}

@Suite("Embedded server: hostile and malformed requests over raw TCP", .timeLimit(.minutes(3)))
struct HardeningTests {
    let files = ["index.html": "<h1>hi</h1>", "css/a.css": "body{}"]

    func serve(limits: ServerLimits = ServerLimits(), followSymlinks: Bool = false, log: LogRecorder = LogRecorder(),
               setup: (URL) throws -> Void = { _ in }, _ body: (URL) async throws -> Void) async throws {
        try await withTemporarySite(files) { root in
            try setup(root)
            var configuration = FixtureServer.Configuration(root: root)
            configuration.limits = limits
            configuration.followSymlinks = followSymlinks
            try await FixtureServer.withFixtureServer(configuration, logger: log.logger) { base in try await body(base) }
        }
    }

    func get(_ target: String) -> String { "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" }

    @Test("path traversal in every encoding is refused with 400; double and overlong encodings name no file")
    func traversal() async throws {
        let log = LogRecorder()
        try await serve(log: log) { (base: URL) async throws in
            for target in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd", "/..%2f..%2fetc/passwd",
                           "/%2e%2e%2f%2e%2e%2fetc/passwd", "/css/../../etc/passwd", "/css/%2e%2e/%2e%2e/etc/passwd",
                           "/..%5c..%5cetc/passwd", "/.%2e/etc/passwd", "/%c0%ae%c0%ae/etc/passwd"] {
                #expect(try rawStatus(base, get(target)) == 400, "\(target)")
            }
            for target in ["/%252e%252e/etc/passwd", "/%252e%252e%252fetc/passwd"] {
                #expect(try rawStatus(base, get(target)) == 404, "\(target)")
            }
            // The server is still up.
            #expect(try rawStatus(base, get("/css/a.css")) == 200)
        }
        #expect(log.messages(atLeast: .notice).contains { $0.contains("dot segment") })
    }

    @Test("a NUL byte (%00) in the path is refused with 400, never served as another file")
    func nul() async throws {
        try await serve { (base: URL) async throws in
            #expect(try rawStatus(base, get("/index.html%00.png")) == 400)
            #expect(try rawStatus(base, get("/%00")) == 400)
        }
    }

    @Test("a symlink out of the root is refused with 403 by default and served with followSymlinks")
    func symlinks() async throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-outside-\(UUID().uuidString).txt")
        try Data("secret".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        let link: (URL) throws -> Void = { root in
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("leak.txt").path, withDestinationPath: outside.path)
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("inside.css").path, withDestinationPath: root.appendingPathComponent("css/a.css").path)
        }
        let log = LogRecorder()
        try await serve(log: log, setup: link) { (base: URL) async throws in
            #expect(try rawStatus(base, get("/leak.txt")) == 403)
            #expect(try rawStatus(base, get("/inside.css")) == 200)
        }
        #expect(log.messages(atLeast: .notice).contains { $0.contains("symlink out of the root") })
        try await serve(followSymlinks: true, setup: link) { (base: URL) async throws in
            let r = try await request(.GET, URL(string: base.absoluteString + "leak.txt")!)
            #expect(r.status == 200 && r.body == "secret")
        }
    }

    @Test("HTTP/1.1 without Host, two Host headers, and Content-Length with Transfer-Encoding get 400")
    func framing() async throws {
        let log = LogRecorder()
        try await serve(log: log) { (base: URL) async throws in
            #expect(try rawStatus(base, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n") == 400)
            #expect(try rawStatus(base, "GET / HTTP/1.0\r\n\r\n") == 200)
            #expect(try rawStatus(base, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n") == 400)
            #expect(try rawStatus(base, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400)
        }
        let notices = log.messages(atLeast: .notice)
        #expect(notices.contains { $0.contains("without Host") })
        #expect(notices.contains { $0.contains("2 Host headers") })
        // llhttp refuses Content-Length with Transfer-Encoding itself, and reports it only as "unknown".
        #expect(notices.contains { $0.contains("400, malformed request") })
    }

    @Test("a 9 KB request target gets 414; an oversized header, too many headers or too many header bytes get 431")
    func limits() async throws {
        let log = LogRecorder()
        try await serve(log: log) { (base: URL) async throws in
            #expect(try rawStatus(base, get("/" + String(repeating: "a", count: 9 * 1024))) == 414)
            let big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 20 * 1024))\r\n\r\n"
            #expect(try rawStatus(base, big) == 431)
            let many = "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<150).map { "X-H\($0): v\r\n" }.joined() + "\r\n"
            #expect(try rawStatus(base, many) == 431)
            let total = "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<6).map { "X-H\($0): \(String(repeating: "c", count: 6000))\r\n" }.joined() + "\r\n"
            #expect(try rawStatus(base, total) == 431)
            #expect(try rawStatus(base, get("/css/a.css")) == 200)
        }
        #expect(log.messages(atLeast: .notice).contains { $0.contains("414") })
        #expect(log.messages(atLeast: .notice).contains { $0.contains("431") })
    }

    @Test("garbage gets 400 and the server keeps serving")
    func garbage() async throws {
        try await serve { (base: URL) async throws in
            #expect(try rawStatus(base, "HELLO THERE\r\n\r\n") == 400)
            #expect(try rawStatus(base, "GET / HTTP/9.9\r\nHost: a\r\n\r\n") != 200)
            #expect(try rawStatus(base, "GET /\u{1} HTTP/1.1\r\nHost: a\r\n\r\n") == 400)
            let connection = try RawConnection(port: base.port!)
            connection.send([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00] + Array(repeating: 0, count: 100))
            _ = connection.readAll()
            #expect(try rawStatus(base, get("/")) == 200)
        }
    }

    // The timeout tests run on a manual clock (ServerClock.manual): time passes only when the
    // test says, so a loaded machine that schedules the test late cannot make a client look slow.
    // After bytes are sent or the clock moves, two timeout checks mean the server has taken
    // them in (see ServerClock.waitForChecks).

    /// Limits with these timeouts, short in real time (the checks tick at a quarter of the
    /// shortest) and measured on `clock`.
    func manualLimits(_ clock: ServerClock, request: Duration = .seconds(10), idle: Duration = .seconds(60),
                      send: Duration = .seconds(60)) -> ServerLimits {
        var limits = ServerLimits()
        limits.requestTimeout = request
        limits.idleTimeout = idle
        limits.sendTimeout = send
        limits.clock = clock
        return limits
    }

    /// Once the server has taken in what was sent: moves `clock` to 1 ms short of `timeout`
    /// (the connection must stay open), then past it.
    func crossTimeout(_ timeout: Duration, clock: ServerClock, connection: RawConnection,
                      sourceLocation: SourceLocation = #_sourceLocation) async {
        await clock.waitForChecks(2)
        clock.advance(by: timeout - .milliseconds(1))
        await clock.waitForChecks(2)
        #expect(connection.peerIsOpen, "closed before the timeout", sourceLocation: sourceLocation)
        clock.advance(by: .milliseconds(2))
        await clock.waitForChecks(2)
    }

    @Test("a request head trickled in (slowloris) is cut off when the request timeout has passed, not before, with a notice")
    func slowloris() async throws {
        try await expectCutOff(sending: "GET / HTTP/1.1\r\nHost: a\r\n", notice: "not complete") { $0.requestTimeout = $1 }
    }

    @Test("a request body trickled in is cut off when the body timeout has passed, not before, with a notice")
    func slowBody() async throws {
        try await expectCutOff(sending: "POST /css/a.css HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc",
                               notice: "body not complete") { $0.bodyTimeout = $1 }
    }

    /// Sends `text` and nothing more, with a 100 ms timeout set by `setTimeout`: the connection
    /// must stay open until it has passed, then close without a response, logging `notice`.
    func expectCutOff(sending text: String, notice: String, sourceLocation: SourceLocation = #_sourceLocation,
                      _ setTimeout: (inout ServerLimits, Duration) -> Void) async throws {
        let clock = ServerClock.manual()
        let log = LogRecorder()
        var limits = manualLimits(clock)
        setTimeout(&limits, .milliseconds(100))
        try await serve(limits: limits, log: log) { (base: URL) async throws in
            let connection = try RawConnection(port: base.port!)
            connection.send(text)
            await crossTimeout(.milliseconds(100), clock: clock, connection: connection, sourceLocation: sourceLocation)
            let (text, closed) = connection.readAll()
            #expect(closed, sourceLocation: sourceLocation)
            #expect(text.isEmpty, sourceLocation: sourceLocation)
        }
        #expect(log.messages(atLeast: .notice).contains { $0.contains(notice) }, sourceLocation: sourceLocation)
    }

    @Test("a kept-alive connection with nothing more to ask is closed when the idle timeout has passed, not before")
    func idle() async throws {
        let clock = ServerClock.manual()
        try await serve(limits: manualLimits(clock, idle: .milliseconds(100))) { (base: URL) async throws in
            let connection = try RawConnection(port: base.port!)
            connection.send("GET /css/a.css HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = connection.readResponse()
            #expect(response.status == 200 && response.body == "body{}")
            await crossTimeout(.milliseconds(100), clock: clock, connection: connection)
            #expect(connection.readAll().closed)
        }
    }

    @Test("connections beyond the cap are closed at once; a slot frees when one closes")
    func connectionCap() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 2
        let log = LogRecorder()
        try await serve(limits: limits, log: log) { (base: URL) async throws in
            let keepAliveGet = "GET /css/a.css HTTP/1.1\r\nHost: a\r\n\r\n"
            var held: [RawConnection] = []
            for _ in 0..<2 {
                let c = try RawConnection(port: base.port!)
                c.send(keepAliveGet)
                // The whole response, by its Content-Length: the connection is admitted and stays open.
                #expect(c.readResponse().status == 200)
                held.append(c)
            }
            let third = try RawConnection(port: base.port!)
            third.send(keepAliveGet)
            let (text, closed) = third.readAll()
            #expect(text.isEmpty && closed)
            // One held connection ends; the server reads the end and closes its side.
            held[0].shutdownWrite()
            #expect(held[0].readAll().closed)
            // The slot is given back as the close completes, just after the client sees it:
            // a new connection is admitted once that has happened.
            var status: Int?
            for _ in 0..<500 where status != 200 {
                status = try rawStatus(base, get("/css/a.css"))
                if status != 200 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(status == 200)
            #expect(held[1].peerIsOpen, "the other held connection is untouched")
        }
        #expect(log.messages(atLeast: .notice).contains { $0.contains("connections already open") })
    }

    @Test("pipelined requests are answered in order, even when the first is delayed")
    func pipelining() async throws {
        try await withTemporarySite(["slow.txt": "first", "fast.txt": "second"]) { root in
            var configuration = FixtureServer.Configuration(root: root)
            configuration.policy = ServerPolicy(rules: [.init(match: "slow.txt", fault: Fault(delayMs: 200))])
            try await FixtureServer.withFixtureServer(configuration) { (base: URL) async throws in
                let connection = try RawConnection(port: base.port!)
                connection.send("GET /slow.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /fast.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                let text = connection.readAll().text
                let first = try #require(text.range(of: "first"))
                let second = try #require(text.range(of: "second"))
                #expect(first.lowerBound < second.lowerBound)
                #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
            }
        }
    }

    /// Serves one sparse file of `size` bytes (far more than socket buffers hold) with `limits`.
    func serveLarge(_ size: Int, limits: ServerLimits, log: LogRecorder = LogRecorder(), _ body: (URL) async throws -> Void) async throws {
        try await withTemporarySite([String: [UInt8]]()) { root in
            let path = root.appendingPathComponent("big.bin").path
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            #expect(truncate(path, off_t(size)) == 0)
            var configuration = FixtureServer.Configuration(root: root)
            configuration.limits = limits
            try await FixtureServer.withFixtureServer(configuration, logger: log.logger, body)
        }
    }

    @Test("a client that stops reading a large response is disconnected once the send timeout has passed, not before")
    func stalledReader() async throws {
        let clock = ServerClock.manual()
        let log = LogRecorder()
        let size = 64 << 20
        try await serveLarge(size, limits: manualLimits(clock, send: .milliseconds(100)), log: log) { (base: URL) async throws in
            let connection = try RawConnection(port: base.port!)
            connection.send("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")
            // Read nothing. Half the send timeout at a time: the server writes until the socket
            // buffers are full (progress), then sees none; it must wait a whole timeout from there.
            func closedAsStalled() -> Bool { log.messages(atLeast: .notice).contains { $0.contains("has not read the response") } }
            var steps = 0
            while !closedAsStalled(), steps < 100 {
                steps += 1
                clock.advance(by: .milliseconds(50))
                await clock.waitForChecks(2)
            }
            #expect(closedAsStalled())
            #expect(steps >= 3, "closed after \(steps * 50) ms without progress, less than the 100 ms send timeout")
            let (text, closed) = connection.readAll(limit: size + 4096)
            #expect(closed)
            #expect(text.utf8.count < size)
        }
    }

    @Test("a client that reads a large response slowly but steadily is cut off neither as idle nor as stalled")
    func slowSteadyReader() async throws {
        // The client takes 128 KiB per second of the server's (manual) clock: 6 MiB in 48 s,
        // far longer than the send and idle timeouts. Each read opens its receive window, so
        // the kernel sends more, and the server sees the client acknowledge it; its own buffer
        // moves only once megabytes of kernel send buffer have half drained, which at this
        // pace takes longer than the send timeout (the cut-off at 3,970,048 bytes this test
        // once showed under load). Nor is the connection idle while the kernel still holds
        // part of the response: only the client's small receive buffer (two reads) may be
        // left when the server sees it all acknowledged, well within the idle timeout.
        let clock = ServerClock.manual()
        let size = 6 << 20
        let chunk = 128 << 10
        let limits = manualLimits(clock, request: .milliseconds(40), idle: .seconds(5), send: .seconds(2))
        try await serveLarge(size, limits: limits) { (base: URL) async throws in
            let connection = try RawConnection(port: base.port!, receiveBuffer: Int32(chunk))
            // Kept alive: the handler is done with the request while the file is still on its way,
            // so the idle clock must not run while it is.
            connection.send("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")
            var received = 0, head = 0
            var buffer = [UInt8](repeating: 0, count: chunk)
            while true {
                let want = head == 0 ? chunk : min(chunk, head + size - received)
                let n = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, want, Int32(MSG_WAITALL)) }
                if n <= 0 { break }
                if head == 0, let end = buffer[0..<n].firstRange(of: Array("\r\n\r\n".utf8)) { head = received + end.upperBound }
                received += n
                // The server checks its timeouts having seen this read, at this time.
                await clock.waitForChecks(2)
                if head > 0, received >= head + size { break }
                clock.advance(by: .seconds(1))
            }
            #expect(head > 0 && received == head + size, "received \(received) of \(head + size) bytes")
            #expect(connection.peerIsOpen, "closed as idle while the response was on its way")
        }
    }
}
