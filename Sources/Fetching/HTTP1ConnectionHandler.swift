internal import CrawlModel
internal import NIOCore

/// One request to send on a connection, and how to treat its response.
///
/// The head and total timeouts run from the moment the request is written, not from when the
/// fetch began: time spent waiting for a connection slot behind stalled requests, connecting
/// (bounded by its own connect timeout) or waiting for a thread of a loaded machine is not the
/// server's delay, and counting it made a healthy request queued behind stalled ones time
/// out before it was even sent.
struct HTTP1Request {
    var bytes: ByteBuffer
    var isHead: Bool
    var keepBody: @Sendable (String?) -> Bool
    var digest: Bool
    var limit: Int
    var readTimeout: TimeAmount
    var headTimeout: Duration
    var totalTimeout: Duration
}

/// What came back on the wire for one request.
struct HTTP1Response: Sendable {
    var head: HTTP1ResponseParser.Head
    var headerBytes: Int
    var sink: BodySink
    /// Bytes of chunked framing around the body (size lines, CRLFs, trailers).
    var framingBytes: Int
    var headAt: ContinuousClock.Instant
    /// The connection can carry another request.
    var reusable: Bool
}

/// A request that failed on a connection. `beforeAnyByte` is true when the connection
/// closed before any of the response arrived: a kept-alive connection the server had just
/// closed, worth one retry on a fresh one.
struct HTTP1Failure: Error {
    var error: FetchError
    var beforeAnyByte: Bool
}

typealias HTTP1Continuation = UnsafeContinuation<Result<HTTP1Response, HTTP1Failure>, Never>

/// The one handler of a client connection: writes a request, parses the response as it
/// arrives (``HTTP1ResponseParser``), streams its body into a ``BodySink``, enforces the head,
/// total and read timeouts with one timer, and resumes the waiting task once, at the end.
///
/// Touched only on its channel's event loop. A connection that failed, timed out, was cut at
/// the body cap or got a malformed response is closed here, never reused.
final class HTTP1ConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Current {
        var request: HTTP1Request
        var continuation: HTTP1Continuation
        var headAt: ContinuousClock.Instant?
        var lastRead: NIODeadline
        /// Both from when the request was written.
        var headDeadline: NIODeadline
        var totalDeadline: NIODeadline
    }

    private var context: ChannelHandlerContext?
    private var current: Current?
    /// The response of the request in flight; its header strings carry over to the next one.
    private var parser = HTTP1ResponseParser()
    private var sink: BodySink?
    private var active = false
    /// The one timer, and when it fires. It outlives the request it was armed for: a response
    /// that completes leaves it pending (when it fires with nothing in flight it just ends, and
    /// with a later request in flight it re-arms for that one's deadline), so a kept-alive
    /// connection schedules and cancels no timer per request.
    private var timer: Scheduled<Void>?
    private var timerDue: NIODeadline?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        active = context.channel.isActive
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        stopTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        active = true
        context.fireChannelActive()
    }

    /// Sends `request`; `continuation` is resumed once with the response or the failure.
    func start(_ request: HTTP1Request, _ continuation: HTTP1Continuation) {
        guard let context, active, current == nil else {
            continuation.resume(returning: .failure(HTTP1Failure(error: FetchError(.reset, "connection closed"), beforeAnyByte: true)))
            return
        }
        let now = NIODeadline.now()
        current = Current(request: request, continuation: continuation, lastRead: now,
                          headDeadline: now + TimeAmount(request.headTimeout), totalDeadline: now + TimeAmount(request.totalTimeout))
        parser = HTTP1ResponseParser(isHeadRequest: request.isHead, names: parser.headerNames)
        sink = nil
        context.writeAndFlush(wrapOutboundOut(request.bytes), promise: nil)
        // A pending timer due no later than this request's first deadline re-arms when it fires.
        if let timerDue, timerDue <= nextDue() { return }
        arm()
    }

    /// Ends the request in flight (the task waiting for it was cancelled).
    func cancel() {
        guard current != nil else { return }
        fail(FetchError(.timeout, "request cancelled"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard current != nil else {
            // Bytes nobody asked for: the connection's framing cannot be trusted any more.
            context.close(promise: nil)
            return
        }
        current?.lastRead = .now()
        let buffer = unwrapInboundIn(data)
        // The parser, the sink and the request state are separate properties, changed in place:
        // nothing of the exchange is copied per read.
        let outcome: Result<HTTP1ResponseParser.Progress, HTTP1ResponseParser.Malformed> = buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while true {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                let progress: HTTP1ResponseParser.Progress
                do throws(HTTP1ResponseParser.Malformed) { progress = try parser.feed(rest) { sink?.take($0) } } catch { return .failure(error) }
                guard case .head(let consumed) = progress, let head = parser.head, let request = current?.request else {
                    return .success(progress)
                }
                offset += consumed
                current?.headAt = .now
                sink = BodySink(limit: request.limit, keep: request.keepBody(head.contentType),
                                digest: request.digest, expectedLength: head.contentLength)
            }
        }
        switch outcome {
        case .failure(let malformed):
            fail(FetchError(.other, "malformed HTTP response: \(malformed.description)"))
        case .success(.complete):
            succeed()
        case .success:
            if sink?.truncated == true { succeed() }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        if current != nil {
            if parser.closeEndsResponse {
                parser.finishAtClose()
                succeed()
            } else if case .fixed = parser.state {
                fail(FetchError(.reset, "connection closed before the body was complete (shorter than Content-Length)"))
            } else if parser.head == nil {
                fail(FetchError(.reset, "connection closed before the response head was complete"))
            } else {
                fail(FetchError(.reset, "connection closed before the response completed"))
            }
        }
        stopTimer()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if current != nil { fail(FetchError(.reset, "connection error: \(error)", cause: error)) }
        context.close(promise: nil)
    }

    private func succeed() {
        guard let c = current, let head = parser.head, let sink else { return }
        current = nil
        self.sink = nil
        let reusable = parser.reusable && !sink.truncated && active
        if !reusable { context?.close(promise: nil) }
        c.continuation.resume(returning: .success(HTTP1Response(
            head: head, headerBytes: parser.headerBytes, sink: sink, framingBytes: parser.framingBytes,
            headAt: c.headAt ?? .now, reusable: reusable)))
    }

    private func fail(_ error: FetchError) {
        guard let c = current else { return }
        current = nil
        stopTimer()
        context?.close(promise: nil)
        c.continuation.resume(returning: .failure(HTTP1Failure(error: error, beforeAnyByte: parser.receivedNothing)))
    }

    /// The nearest of the request in flight's three limits.
    private func nextDue() -> NIODeadline {
        guard let c = current else { return .distantFuture }
        let due = min(c.totalDeadline, c.lastRead + c.request.readTimeout)
        return c.headAt == nil ? min(due, c.headDeadline) : due
    }

    /// One timer for the three limits: fires at the nearest, re-arms for the next.
    private func arm() {
        guard current != nil, let context else { return }
        stopTimer()
        let due = nextDue()
        timerDue = due
        timer = context.eventLoop.scheduleTask(deadline: due) { [self] in self.check() }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
        timerDue = nil
    }

    private func check() {
        timer = nil
        timerDue = nil
        guard let c = current else { return }
        let now = NIODeadline.now()
        if c.headAt == nil, now >= c.headDeadline {
            fail(FetchError(.timeout, "no response head within \(c.request.headTimeout)"))
        } else if now >= c.totalDeadline {
            fail(FetchError(.timeout, "no complete response within \(c.request.totalTimeout)"))
        } else if now >= c.lastRead + c.request.readTimeout {
            fail(FetchError(.timeout, "no data for \(c.request.readTimeout.nanoseconds / 1_000_000) ms"))
        } else {
            arm()
        }
    }
}
