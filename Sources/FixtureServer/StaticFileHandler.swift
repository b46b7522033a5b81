internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import HTTPSemantics

/// Serves files for one HTTP/1.1 connection or one HTTP/2 stream: moves bytes and does what
/// the connection's ``HTTP1ConnectionStateMachine`` says (answer a request, stop or resume
/// reading, close), with each answer from the ``Responder`` given the ``FileLookup``'s state
/// of the target.
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
    var connection: HTTP1ConnectionStateMachine
    let lookup: FileLookup
    /// The response so far is already flushed (see `writeHead`).
    var headFlushed = false
    /// Working off queued pipelined requests (a response that ends meanwhile does not start again).
    private var draining = false
    /// The timeout check, repeated while the connection is open (HTTP/1.x only).
    var tick: Scheduled<Void>?
    /// The request waiting for its event loop's FileStateCache to read file changes: at most
    /// one, as the state machine hands out the next only after its response ends.
    private var awaiting: (head: HTTPRequestHead, fields: RequestFields, keepAlive: Bool, ctx: ChannelHandlerContext)?
    /// The Date header of the current second.
    private var dateCache: (second: Int, value: String) = (-1, "")

    init(context: ServerContext, transport: Transport = .plain) {
        self.context = context
        self.transport = transport
        self.connection = HTTP1ConnectionStateMachine(framing: transport == .http2 ? .http2Stream : .http1, limits: context.limits)
        self.lookup = FileLookup(context: context)
    }

    // MARK: Events

    func channelRead(context ctx: ChannelHandlerContext, data: NIOAny) {
        execute(connection.read(unwrapInboundIn(data)), ctx: ctx)
    }

    func channelReadComplete(context ctx: ChannelHandlerContext) {
        connection.readComplete()
        ctx.fireChannelReadComplete()
    }

    func execute(_ action: HTTP1ConnectionStateMachine.Action, ctx: ChannelHandlerContext) {
        switch action {
        case .none, .closeAfterResponse:
            break
        case .stopReading:
            try? ctx.channel.syncOptions?.setOption(.autoRead, value: false)
        case .resumeReading:
            try? ctx.channel.syncOptions?.setOption(.autoRead, value: true)
        case .respond(let head, let fields, let keepAlive):
            if let fileStates = lookup.fileStates {
                // Answered after this round of reads, once file changes are taken in (see
                // FileStateCache); pipelined requests wait meanwhile.
                awaiting = (head, fields, keepAlive, ctx)
                fileStates.answerAfterChangesAreRead(on: ctx.eventLoop, self)
            } else {
                respond(to: head, fields: fields, keepAlive: keepAlive, ctx: ctx)
            }
        case .refuse(let refusal):
            let from = ctx.remoteAddress?.description ?? "?"
            if let head = refusal.head {
                context.logger.notice("refused \(head.method.rawValue) \(head.uri.prefix(200)) from \(from): \(refusal.status.code), \(refusal.reason)")
            } else {
                context.logger.notice("refused a request from \(from): \(refusal.status.code), \(refusal.reason)")
            }
            write(Responder.error(refusal.status), handle: nil, for: refusal.head ?? HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"),
                  keepAlive: false, fault: nil, ctx: ctx)
        case .timedOut(let timeout):
            logTimeout(timeout, ctx: ctx)
            stopTick()
            ctx.close(promise: nil)
        }
    }

    /// Answers the request handed to the FileStateCache (see `execute`).
    func answerAwaitingRequest() {
        guard let (head, fields, keepAlive, ctx) = awaiting.take() else { return }
        respond(to: head, fields: fields, keepAlive: keepAlive, ctx: ctx)
    }

    /// Works off queued pipelined requests until one of them answers asynchronously.
    func drainQueue(_ ctx: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while let action = connection.nextQueued() { execute(action, ctx: ctx) }
    }

    // MARK: Answering

    func respond(to head: HTTPRequestHead, fields: RequestFields, keepAlive: Bool, ctx: ChannelHandlerContext) {
        lookup.enter(currentSecond())
        let target = Self.path(of: head.uri)
        var active: (fault: Fault, serial: Int)?
        if context.hasFaults, case .path(let relative) = context.resolver.decode(target) {
            active = context.activeFault(for: relative)
        }
        // Constants from here on: a `var` the delayed write's closure captured was boxed on the
        // heap for every request, delayed or not.
        let (response, handle) = answer(head, fields: fields, target: target, fault: active)
        if let note = response.note { context.logger.log(level: note.level, "\(note.text)") }
        let fault = active?.fault
        let keepAlive = keepAlive && (transport == .http2 || !(fault?.altersBody ?? false))
        if context.logsRequests { context.logger.info("\(head.method.rawValue) \(head.uri) \(response.status.code) \(response.bodyLength(isHead: head.method == .HEAD))\(active.map { _ in " (fault)" } ?? "")") }

        if let delay = fault?.delayMs, delay > 0 {
            let loop = ctx.eventLoop.assumeIsolated()
            loop.scheduleTask(in: .milliseconds(Int64(delay))) {
                self.write(response, handle: handle, for: head, keepAlive: keepAlive, fault: fault, ctx: ctx)
            }
        } else {
            write(response, handle: handle, for: head, keepAlive: keepAlive, fault: fault, ctx: ctx)
        }
    }

    /// The Responder's answer, with the body's file opened when it is sent.
    private func answer(_ head: HTTPRequestHead, fields: RequestFields, target: String,
                        fault active: (fault: Fault, serial: Int)?) -> (Response, OpenFile?) {
        if let early = Responder.withoutFile(head, fault: active?.fault) { return (early, nil) }
        let response = Responder.respond(to: head, fields: fields, state: lookup.state(of: target, fault: active), fault: active?.fault)
        if head.method == .GET, let source = response.fileSource {
            return lookup.openBody(of: response, source: source, head: head, fields: fields, fault: active, shared: transport.usesSendfile)
        }
        return (response, nil)
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

    /// The path part of a request target.
    static func path(of uri: String) -> String {
        guard let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return uri }
        return String(uri[..<q])
    }
}
