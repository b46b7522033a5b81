internal import Foundation
internal import Logging
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// Shared, immutable state of one server: the root, the policy, the ETag cache.
final class ServerContext: Sendable {
    let resolver: PathResolver
    let policy: ServerPolicy
    let limits: ServerLimits
    let logger: Logger
    let isTLS: Bool
    let onResponse: (@Sendable (ServedResponse) -> Void)?
    /// False for policies without faults, so ordinary requests skip the fault lookup.
    let hasFaults: Bool
    /// Whether the log takes a line per request (checked once: a 304 is cheap enough for the
    /// log level lookup to show).
    let logsRequests: Bool
    let hashes = ContentHashCache()
    let fileIO = NonBlockingFileIO(threadPool: .singleton)
    /// Responses served per fault rule (for `times`) and for `changing` ETags.
    let faultCounts = NIOLockedValueBox<[Int: Int]>([:])
    private let fileStateCaches = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<FileStateCache>]>([:])

    init(resolver: PathResolver, policy: ServerPolicy, limits: ServerLimits, logger: Logger, isTLS: Bool,
         onResponse: (@Sendable (ServedResponse) -> Void)? = nil) {
        self.onResponse = onResponse
        self.resolver = resolver
        self.policy = policy.sanitized(logger: logger)
        self.limits = limits
        self.logger = logger
        self.isTLS = isTLS
        self.hasFaults = policy.rules.contains { $0.fault != nil }
        self.logsRequests = logger.logLevel <= .info
    }

    /// The event loop's cache of file states, made on first use there; nil without inotify.
    func fileStateCache(on loop: any EventLoop) -> FileStateCache? {
        fileStateCaches.withLockedValue { caches in
            if let cache = caches[ObjectIdentifier(loop)] { return cache.value }
            guard let cache = FileStateCache() else { return nil }
            caches[ObjectIdentifier(loop)] = NIOLoopBound(cache, eventLoop: loop)
            return cache
        }
    }

    /// The event loops' file state caches, while the server runs.
    var fileStateCacheList: [NIOLoopBound<FileStateCache>] { fileStateCaches.withLockedValue { Array($0.values) } }

    /// Stops every event loop's file state cache, closing its inotify descriptor.
    func stopCaches() async {
        let caches = fileStateCaches.withLockedValue { caches in
            defer { caches.removeAll() }
            return Array(caches.values)
        }
        for cache in caches {
            try? await cache.eventLoop.submit { cache.value.stop() }.get()
        }
    }

    /// The fault that applies to this request, counting it against the rule's `times`.
    func activeFault(for path: String) -> (fault: Fault, serial: Int)? {
        guard let (index, fault) = policy.fault(for: path) else { return nil }
        let serial = faultCounts.withLockedValue { counts -> Int in
            let n = counts[index, default: 0]
            counts[index] = n + 1
            return n
        }
        if let times = fault.times, serial >= times { return nil }
        return (fault, serial)
    }
}

/// Serves files for one HTTP/1.1 connection or one HTTP/2 stream: GET and HEAD, conditional
/// and range requests, precompressed siblings, 404, 405; refuses malformed HTTP/1.1 requests
/// and disconnects slow or idle clients.
final class StaticFileHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// How bodies reach the socket: sendfile on plain TCP; read in chunks under TLS (which
    /// must encrypt the bytes) and on HTTP/2 streams (which frame them).
    enum Transport {
        case plain, tls, http2
        var usesSendfile: Bool { self == .plain }
    }

    let context: ServerContext
    let transport: Transport
    private var head: (head: HTTPRequestHead, fields: RequestFields)?
    /// After a refused request, the rest of the connection's input is ignored until it closes.
    var refusing = false
    /// Between a response's head and its end (a protocol error then can only close).
    var responseInProgress = false
    /// From a request's end until its response is complete; request parts that arrive
    /// meanwhile (HTTP/1.1 pipelining) wait in `queued`.
    private var awaitingResponse = false
    private var queued: [HTTPServerRequestPart] = []
    private var draining = false
    /// The response so far is already flushed (see `writeHead`).
    private var headFlushed = false

    // Per connection, so without locks: the Date header of the current second, and policy
    // headers per path (glob matching is the costliest part of a small response).
    private var dateCache: (second: Int, value: String) = (-1, "")
    private var policyHeaderCache: [String: PolicyHeaders] = [:]

    // Timeouts (HTTP/1.1 only; see StaticFileHandler+Timeouts.swift), checked by one repeating
    // tick per connection rather than a timer scheduled and cancelled per request: a request
    // costs two clock reads. `requestStarted` runs from the first byte of a request to its
    // end; `idleSince` while no request is in progress; `lastProgress` while a client takes
    // none of a response.
    var awaitingRequest = true
    var requestEndedInThisRead = false
    var requestStarted: NIODeadline?
    var idleSince: NIODeadline?
    /// What was on its way to the client at the last tick, and when that last changed.
    var lastOutstanding = Outstanding()
    var lastProgress: NIODeadline
    var tick: Scheduled<Void>?
    /// The wall-clock second the current request is answered in (read once per request).
    private(set) var requestSecond = 0
    var fileStates: FileStateCache?

    init(context: ServerContext, transport: Transport = .plain) {
        self.context = context
        self.transport = transport
        self.lastProgress = context.limits.clock.now()
    }

    // MARK: Requests

    func channelRead(context ctx: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        let part = unwrapInboundIn(data)
        // Pipelined HTTP/1.1 requests wait while a response is still being produced (a delay,
        // a streamed or faulty body), so that responses leave in the order of their requests;
        // reading stops until the queue is worked off.
        if awaitingResponse || !queued.isEmpty {
            queued.append(part)
            if queued.count == 1 { try? ctx.channel.syncOptions?.setOption(.autoRead, value: false) }
            return
        }
        handle(part, ctx: ctx)
    }

    private func handle(_ part: HTTPServerRequestPart, ctx: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            awaitingRequest = false
            if requestStarted == nil, transport != .http2 { requestStarted = context.limits.clock.now() }
            let fields = RequestFields(head.headers)
            if transport != .http2, let (status, reason) = Self.refusal(of: head, fields: fields, limits: context.limits) {
                refuse(head, status: status, reason: reason, ctx: ctx)
                return
            }
            self.head = (head, fields)
        case .body:
            break
        case .end:
            requestStarted = nil
            requestEndedInThisRead = true
            guard let (head, fields) = head else { return }
            self.head = nil
            if let fileStates {
                // Answered after this round of reads, once file changes are taken in (see
                // FileStateCache); pipelined requests wait meanwhile.
                awaitingResponse = true
                fileStates.answerAfterChangesAreRead(on: ctx.eventLoop) { self.respond(to: head, fields: fields, ctx: ctx) }
            } else {
                respond(to: head, fields: fields, ctx: ctx)
            }
        }
    }

    /// Handles queued pipelined requests until one of them answers asynchronously again.
    private func drainQueue(_ ctx: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while !awaitingResponse, !refusing, !queued.isEmpty {
            handle(queued.removeFirst(), ctx: ctx)
        }
        if queued.isEmpty, !refusing { try? ctx.channel.syncOptions?.setOption(.autoRead, value: true) }
    }

    /// Why an HTTP/1.x request head must be refused, if it must (RFC 9112 §3.2, §6.1).
    static func refusal(of head: HTTPRequestHead, fields: RequestFields, limits: ServerLimits) -> (HTTPResponseStatus, String)? {
        if head.uri.utf8.count > limits.maxRequestTargetBytes {
            return (.uriTooLong, "request target of \(head.uri.utf8.count) bytes (at most \(limits.maxRequestTargetBytes))")
        }
        let hosts = fields.hostCount
        if head.version.major == 1, head.version.minor >= 1, hosts == 0 { return (.badRequest, "HTTP/1.1 request without Host") }
        if hosts > 1 { return (.badRequest, "\(hosts) Host headers") }
        if fields.hasTransferEncoding, fields.hasContentLength {
            return (.badRequest, "Content-Length with Transfer-Encoding")
        }
        return nil
    }

    private func refuse(_ head: HTTPRequestHead, status: HTTPResponseStatus, reason: String, ctx: ChannelHandlerContext) {
        refusing = true
        context.logger.notice("refused \(head.method.rawValue) \(head.uri.prefix(200)) from \(ctx.remoteAddress?.description ?? "?"): \(status.code), \(reason)")
        write(errorResponse(status, allocator: ctx.channel.allocator), for: head, keepAlive: false, fault: nil, ctx: ctx)
    }

    func respond(to head: HTTPRequestHead, fields: RequestFields, ctx: ChannelHandlerContext) {
        awaitingResponse = true
        requestSecond = currentSecond()
        fileStates?.enter(requestSecond)
        let target = Self.path(of: head.uri)
        var active: (fault: Fault, serial: Int)?
        if context.hasFaults, case .path(let relative) = context.resolver.decode(target) {
            active = context.activeFault(for: relative)
        }
        let response = makeResponse(head, fields: fields, target: target, fault: active, allocator: ctx.channel.allocator)
        let keepAlive = transport == .http2 || (head.isKeepAlive && !(active?.fault.altersBody ?? false))
        if context.logsRequests { context.logger.info("\(head.method.rawValue) \(head.uri) \(response.status.code) \(response.bodyLength(isHead: head.method == .HEAD))\(active.map { _ in " (fault)" } ?? "")") }

        if let delay = active?.fault.delayMs, delay > 0 {
            let loop = ctx.eventLoop.assumeIsolated()
            loop.scheduleTask(in: .milliseconds(Int64(delay))) {
                self.write(response, for: head, keepAlive: keepAlive, fault: active?.fault, ctx: ctx)
            }
        } else {
            write(response, for: head, keepAlive: keepAlive, fault: active?.fault, ctx: ctx)
        }
    }

    /// The path under the root, from the event loop's cache when it can be trusted.
    func resolve(_ relative: String) -> FileStateCache.Resolved {
        fileStates?.resolve(relative, with: context.resolver) ?? context.resolver.resolve(relative)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, formatted once per second per connection.
    func currentDate(_ second: Int? = nil) -> String {
        let second = second ?? currentSecond()
        if second != dateCache.second { dateCache = (second, HTTPDate.format(second)) }
        return dateCache.value
    }

    /// Seconds since 1970, from the vDSO clock (no Foundation `Date`).
    func currentSecond() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int(now.tv_sec)
    }

    /// The policy's headers for a path, cached per connection: all of them but Vary, the
    /// subset a 304 carries, and Vary on its own (negotiation may add to it).
    struct PolicyHeaders {
        var all: [(String, String)] = []
        var notModified: [(String, String)] = []
        var vary: String?
        /// ServerPolicy.Rule.varyAcceptEncoding.
        var varyAcceptEncoding = true
    }

    func policyHeaders(for path: String) -> PolicyHeaders {
        if let hit = policyHeaderCache[path] { return hit }
        var headers = context.policy.headers(for: path)
        if context.isTLS {
            if let hsts = context.policy.effectiveStrictTransportSecurity,
               !headers.contains(where: { $0.0.lowercased() == "strict-transport-security" }) {
                headers.append(("Strict-Transport-Security", hsts))
            }
        } else {
            // HSTS over plain HTTP is meaningless (RFC 6797 §7.2): never send it.
            headers.removeAll { $0.0.lowercased() == "strict-transport-security" }
        }
        var result = PolicyHeaders()
        result.varyAcceptEncoding = context.policy.varyAcceptEncoding(for: path)
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower == "vary" {
                result.vary = value
            } else {
                result.all.append((name, value))
                if Self.notModifiedHeaders.contains(lower) { result.notModified.append((name, value)) }
            }
        }
        if policyHeaderCache.count > 256 { policyHeaderCache.removeAll() }
        policyHeaderCache[path] = result
        return result
    }

    /// The path part of a request target.
    static func path(of uri: String) -> String {
        guard let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return uri }
        return String(uri[..<q])
    }

    // MARK: Writing

    func write(_ response: Response, for head: HTTPRequestHead, keepAlive: Bool, fault: Fault?, ctx: ChannelHandlerContext) {
        guard ctx.channel.isActive else {
            if case .file(let handle, _) = response.body { try? handle?.close() }
            return
        }
        responseInProgress = true
        let isHead = head.method == .HEAD
        let (keepAlive, headBytes) = writeHead(response, version: head.version, keepAlive: keepAlive, bodiless: isHead || response.bodyLength(isHead: false) == 0, ctx: ctx)
        context.onResponse?(ServedResponse(method: head.method.rawValue, target: head.uri, status: Int(response.status.code),
                                           headers: head.headers.map { ($0.name, $0.value) },
                                           bytes: headBytes + response.bodyLength(isHead: isHead)))
        var corked = false
        switch response.body {
        case .bytes(let buffer) where !isHead:
            writeBody(.byteBuffer(buffer), ctx: ctx)
        case .file(let handle, let pieces):
            let length = pieces.reduce(0) { $0 + $1.length }
            if isHead || length == 0 {
                try? handle?.close()
            } else if let fault, fault.altersBody {
                var bytes: [UInt8] = []
                for piece in pieces {
                    switch piece {
                    case .bytes(let buffer): bytes += buffer.readableBytesView
                    case .file(let offset, let count): if let handle { bytes += Self.read(handle, offset: offset, length: count) }
                    }
                }
                try? handle?.close()
                FaultyBodyWriter(handler: self, ctx: ctx, bytes: bytes, fault: fault).start()
                return
            } else if handle == nil {
                // From memory: head and body leave in one write.
                for case .bytes(let buffer) in pieces {
                    writeBody(.byteBuffer(buffer), ctx: ctx)
                }
            } else if let handle, transport.usesSendfile {
                // Cork the socket so the head leaves in the same segment as the start of the
                // file (nginx's tcp_nopush), not in a small segment of its own; uncorked after
                // the flush in `finish`.
                corked = (try? ctx.channel.syncOptions?.setOption(Self.tcpCork, value: 1)) != nil
                var last: EventLoopFuture<Void>?
                for piece in pieces {
                    switch piece {
                    case .bytes(let buffer):
                        last = writeBody(.byteBuffer(buffer), ctx: ctx)
                    case .file(let offset, let count):
                        last = writeBody(.fileRegion(FileRegion(fileHandle: handle, readerIndex: offset, endIndex: offset + count)), ctx: ctx)
                    }
                }
                last?.whenComplete { _ in try? handle.close() }
            } else if let handle {
                stream(pieces[...], from: handle, keepAlive: keepAlive, ctx: ctx)
                return
            }
        default:
            break
        }
        finish(keepAlive: keepAlive, ctx: ctx)
        if corked { try? ctx.channel.syncOptions?.setOption(Self.tcpCork, value: 0) }
    }

    static let tcpCork = ChannelOptions.Types.SocketOption(level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_TCP)), name: NIOBSDSocket.Option(rawValue: TCP_CORK))

    /// Frames an HTTP/1.x response as NIO's response encoder would: a status that has no body
    /// (1xx, 204, 304) carries neither Content-Length nor Transfer-Encoding; any other
    /// response here has a Content-Length, and one without ends by closing: true then.
    static func frameHTTP1EndsByClose(status: HTTPResponseStatus, headers: inout HTTPHeaders) -> Bool {
        if !status.mayHaveResponseBody {
            headers.remove(name: "Content-Length")
            headers.remove(name: "Transfer-Encoding")
            return false
        }
        return !headers.contains(name: "Content-Length")
    }

    // HTTP/2 streams take response parts for their codec; HTTP/1.x connections take bytes,
    // the head serialised here. Date (and Connection: close) are added here, for every response.

    /// Writes the response's head; returns whether the connection stays open after it, and
    /// the head's bytes (0 on HTTP/2, whose codec frames it). The head of a bodiless
    /// keep-alive response (a 304) is flushed at once, and `finish` then has nothing left to flush.
    private func writeHead(_ response: Response, version: HTTPVersion, keepAlive: Bool, bodiless: Bool, ctx: ChannelHandlerContext) -> (Bool, Int) {
        guard transport != .http2 else {
            var headers = response.headers
            headers.add(name: "Date", value: currentDate())
            ctx.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
            return (true, 0)
        }
        let second = currentSecond()
        if let representation = response.representation, keepAlive, version == .http1_1 {
            let head = representation.http11Head(response.status, second: second, date: currentDate(second))
            if bodiless {
                ctx.writeAndFlush(NIOAny(IOData.byteBuffer(head)), promise: nil)
                headFlushed = true
            } else {
                ctx.write(NIOAny(IOData.byteBuffer(head)), promise: nil)
            }
            return (true, head.readableBytes)
        }
        var keepAlive = keepAlive
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        buffer.writeHTTP1StatusLine(version: version, status: response.status)
        if let representation = response.representation {
            buffer.writeImmutableBuffer(representation.encodedHeaders(for: response.status))
        } else {
            var headers = response.headers
            if Self.frameHTTP1EndsByClose(status: response.status, headers: &headers) { keepAlive = false }
            buffer.writeHTTP1HeaderLines(headers)
        }
        buffer.writeHTTP1DateAndEnd(currentDate(second), keepAlive: keepAlive, version: version)
        ctx.write(NIOAny(IOData.byteBuffer(buffer)), promise: nil)
        return (keepAlive, buffer.readableBytes)
    }

    @discardableResult
    func writeBody(_ data: IOData, flush: Bool = false, ctx: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let wrapped = transport == .http2 ? wrapOutboundOut(.body(data)) : NIOAny(data)
        return flush ? ctx.writeAndFlush(wrapped) : ctx.write(wrapped)
    }

    private func writeEnd(promise: EventLoopPromise<Void>?, ctx: ChannelHandlerContext) {
        if transport == .http2 {
            ctx.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        } else if let promise {
            // An empty write completes once everything before it has been written.
            ctx.writeAndFlush(NIOAny(IOData.byteBuffer(ByteBuffer())), promise: promise)
        } else if headFlushed {
            headFlushed = false
        } else {
            ctx.flush()
        }
    }

    /// Writes the pieces one after the other, reading file pieces in 64 KiB chunks; each chunk
    /// waits until the previous one is written, so memory does not grow with the file.
    private func stream(_ pieces: ArraySlice<BodyPiece>, from handle: NIOFileHandle, keepAlive: Bool, ctx: ChannelHandlerContext) {
        guard let piece = pieces.first else {
            try? handle.close()
            finish(keepAlive: keepAlive, ctx: ctx)
            return
        }
        let rest = pieces.dropFirst()
        switch piece {
        case .bytes(let buffer):
            writeBody(.byteBuffer(buffer), ctx: ctx)
            stream(rest, from: handle, keepAlive: keepAlive, ctx: ctx)
        case .file(let offset, let count):
            let bound = NIOLoopBound((self, ctx), eventLoop: ctx.eventLoop)
            context.fileIO.readChunked(
                fileHandle: handle, fromOffset: Int64(offset), byteCount: count, chunkSize: 64 * 1024,
                allocator: ctx.channel.allocator, eventLoop: ctx.eventLoop
            ) { chunk in
                let (handler, ctx) = bound.value
                return handler.writeBody(.byteBuffer(chunk), flush: true, ctx: ctx)
            }.assumeIsolated().whenComplete { result in
                let (handler, ctx) = bound.value
                switch result {
                case .success:
                    handler.stream(rest, from: handle, keepAlive: keepAlive, ctx: ctx)
                case .failure(let error):
                    try? handle.close()
                    handler.context.logger.debug("body not sent: \(error)")
                    ctx.close(promise: nil)
                }
            }
        }
    }

    /// Writes the end of the response; closes the connection after it unless kept alive.
    func finish(keepAlive: Bool, ctx: ChannelHandlerContext) {
        responseInProgress = false
        awaitingResponse = false
        let promise: EventLoopPromise<Void>? = keepAlive ? nil : ctx.eventLoop.makePromise()
        writeEnd(promise: promise, ctx: ctx)
        if let promise {
            let channel = ctx.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        } else {
            awaitingRequest = true
            if transport != .http2 { idleSince = context.limits.clock.now() }
            if !queued.isEmpty { drainQueue(ctx) }
        }
    }

    static func read(_ handle: NIOFileHandle, offset: Int, length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        let n = (try? handle.withUnsafeFileDescriptor { fd in
            bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
        }) ?? 0
        return Array(bytes.prefix(max(0, n)))
    }
}
