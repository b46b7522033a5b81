internal import NIOCore
internal import NIOHTTP1

/// The life of one HTTP/1.x connection (or one HTTP/2 stream), apart from its bytes: which
/// request is answered when, whether the connection stays open after a response, and every
/// timeout. The channel handler feeds it events (a request part read, a read finished, a
/// response ended, a timer tick) and does what it answers; it does no I/O and reads time only
/// from its ``ServerClock``, so each rule is tested by feeding events and moving a manual clock.
///
/// - Keep-alive: a response leaves the connection open when the request asked for it
///   (`HTTPRequestHead.isKeepAlive`: HTTP/1.1 unless `Connection: close`, HTTP/1.0 with
///   `Connection: keep-alive`) and the response can be delimited (the handler says so when it ends).
/// - Pipelining: requests that arrive while a response is being produced wait in a queue, and
///   reading stops until the queue is worked off, so responses leave in the order of their requests.
///   A protocol error behind a pipelined request waits its turn too.
/// - Timeouts (``ServerLimits``), checked on a tick: the head (from the first byte of a request to
///   the end of its head), the body (from the head to the request's end), idle (no request in
///   progress and nothing on its way to the client), send (a response on its way, of which the
///   client takes nothing: see ``Outstanding``).
struct HTTP1ConnectionStateMachine {
    /// HTTP/1.x connections have timeouts, validate request heads and pipeline; an HTTP/2 stream
    /// carries one request, checked by its codec, and the connection's own handlers time it out.
    enum Framing { case http1, http2Stream }

    enum State: Equatable {
        /// Waiting for a request, since then.
        case idle(since: NIODeadline)
        /// Bytes of a request head have arrived, the first at `since`.
        case readingHead(since: NIODeadline)
        /// A request head has arrived (at `since`), its end has not.
        case readingBody(since: NIODeadline)
        /// A response is being produced or written; requests read meanwhile are queued. The
        /// `last` response (a refusal) closes the connection, and input is ignored meanwhile.
        case responding(last: Bool)
        /// The connection closes once what is being written is out; input is ignored.
        case closing
        case closed
    }

    enum Timeout: Equatable, CustomStringConvertible {
        case head, body, idle, send
        var description: String {
            switch self {
            case .head: return "request head not complete"
            case .body: return "request body not complete"
            case .idle: return "idle"
            case .send: return "response not read"
            }
        }
    }

    /// A request refused with an error status, after which the connection closes.
    struct Refusal: Equatable {
        var status: HTTPResponseStatus
        var reason: String
        /// The refused request's head, when it was read (not for a parse error).
        var head: HTTPRequestHead?
    }

    enum Action: Equatable {
        case none
        /// Stop reading from the socket (requests are queued), until ``resumeReading``.
        case stopReading
        case resumeReading
        /// Answer this request; `keepAlive` is what the request allows.
        case respond(HTTPRequestHead, RequestFields, keepAlive: Bool)
        /// Write an error response for the refusal (the connection's last: its end comes back
        /// as ``closeAfterResponse``).
        case refuse(Refusal)
        /// The response that just ended is the connection's last: close once it is written.
        case closeAfterResponse
        /// Close now.
        case timedOut(Timeout)
    }

    /// How far a response has got to the client: bytes in NIO's buffer, bytes the client's
    /// TCP has acknowledged so far, and whether the kernel still holds some (unsent or
    /// unacknowledged).
    ///
    /// The acknowledged count is what shows a slow reader's progress: each read opens its
    /// receive window, the kernel sends more and the client acknowledges it. NIO's buffer alone
    /// moves only when the kernel takes more, once megabytes of send buffer have half drained:
    /// a client reading steadily but slower than that per send timeout looked stalled.
    struct Outstanding: Equatable {
        var buffered = 0
        var acknowledged: UInt64 = 0
        var inKernel = false
        var isEmpty: Bool { buffered == 0 && !inKernel }
    }

    private enum Queued {
        case part(HTTPServerRequestPart)
        case protocolError(Refusal)
    }

    let framing: Framing
    let limits: ServerLimits
    private(set) var state: State
    /// The head of the request being read, until its end.
    private var pending: (head: HTTPRequestHead, fields: RequestFields)?
    private var queue: [Queued] = []
    private var readingStopped = false
    /// A request ended in the current read: the bytes after it, if any, are a pipelined
    /// request the parser holds, not one being trickled in.
    private var requestEndedInThisRead = false
    /// What was on its way to the client at the last tick, and when that last changed.
    private var lastOutstanding = Outstanding()
    private var lastProgress: NIODeadline

    init(framing: Framing = .http1, limits: ServerLimits) {
        self.framing = framing
        self.limits = limits
        let now = limits.clock.now()
        state = .idle(since: now)
        lastProgress = now
    }

    var clock: ServerClock { limits.clock }

    /// How often the handler ticks: a quarter of the shortest timeout, within 10 ms … 1 s.
    var tickInterval: TimeAmount {
        let shortest = min(limits.requestTimeout, limits.bodyTimeout, limits.idleTimeout, limits.sendTimeout)
        return max(Duration.milliseconds(10), min(Duration.seconds(1), shortest / 4)).timeAmount
    }

    // MARK: Events

    /// The connection became active (or the handler was added to an active one): the idle
    /// clock starts now.
    mutating func activated() {
        if case .idle = state { state = .idle(since: clock.now()) }
    }

    /// A request part from the parser.
    mutating func read(_ part: HTTPServerRequestPart) -> Action {
        switch state {
        case .closing, .closed, .responding(last: true):
            return .none
        case .responding:
            return enqueue(.part(part))
        case .idle, .readingHead, .readingBody:
            if !queue.isEmpty { return enqueue(.part(part)) }
            return process(part)
        }
    }

    /// The end of one read from the socket: bytes that completed no request start the head clock.
    mutating func readComplete() {
        defer { requestEndedInThisRead = false }
        guard framing == .http1, case .idle = state, !requestEndedInThisRead, queue.isEmpty else { return }
        state = .readingHead(since: clock.now())
    }

    /// The parser refused the input: answered with an error status, in turn, then the connection closes.
    mutating func protocolError(_ refusal: Refusal) -> Action {
        switch state {
        case .closing, .closed, .responding(last: true):
            return .none
        case .responding:
            return enqueue(.protocolError(refusal))
        case .idle, .readingHead, .readingBody:
            if !queue.isEmpty { return enqueue(.protocolError(refusal)) }
            return refuse(refusal)
        }
    }

    /// The response to the current request has been written (or handed to the channel):
    /// `keepAlive` when the request allowed it and the response's framing does.
    mutating func responseEnded(keepAlive: Bool) -> Action {
        guard case .responding(let last) = state else { return .none }
        if !keepAlive || last {
            state = .closing
            return .closeAfterResponse
        }
        state = .idle(since: clock.now())
        return .none
    }

    /// The next queued request's action, after a response ended; nil when there is nothing to
    /// do (a response is in progress, or the queue is empty and reading was not stopped).
    /// The handler calls it until nil.
    mutating func nextQueued() -> Action? {
        switch state {
        case .responding, .closing, .closed:
            return nil
        case .idle, .readingHead, .readingBody:
            break
        }
        guard !queue.isEmpty else {
            guard readingStopped else { return nil }
            readingStopped = false
            return .resumeReading
        }
        switch queue.removeFirst() {
        case .part(let part): return process(part)
        case .protocolError(let refusal): return refuse(refusal)
        }
    }

    /// One check of the timeouts, with what is on its way to the client now.
    mutating func tick(outstanding: Outstanding) -> Action {
        guard framing == .http1, state != .closed else { return .none }
        let now = clock.nowForCheck()
        switch state {
        case .readingHead(let since) where now - since > limits.requestTimeout.timeAmount:
            return timedOut(.head)
        case .readingBody(let since) where now - since > limits.bodyTimeout.timeAmount:
            return timedOut(.body)
        default:
            break
        }
        // A response still on its way is not idleness: the idle clock starts once it is seen out.
        if !outstanding.isEmpty || !lastOutstanding.isEmpty, case .idle = state { state = .idle(since: now) }
        if outstanding.isEmpty || outstanding != lastOutstanding {
            lastOutstanding = outstanding
            lastProgress = now
        }
        if !outstanding.isEmpty, now - lastProgress > limits.sendTimeout.timeAmount {
            return timedOut(.send)
        }
        if case .idle(let since) = state, now - since > limits.idleTimeout.timeAmount {
            return timedOut(.idle)
        }
        return .none
    }

    /// The channel closed.
    mutating func closed() {
        state = .closed
        queue.removeAll()
        pending = nil
    }

    // MARK: Transitions

    private mutating func enqueue(_ item: Queued) -> Action {
        queue.append(item)
        guard !readingStopped else { return .none }
        readingStopped = true
        return .stopReading
    }

    private mutating func process(_ part: HTTPServerRequestPart) -> Action {
        switch part {
        case .head(let head):
            let fields = RequestFields(head.headers)
            if framing == .http1, let refusal = Self.refusal(of: head, fields: fields, limits: limits) {
                return refuse(refusal)
            }
            pending = (head, fields)
            state = .readingBody(since: clock.now())
            return .none
        case .body:
            return .none
        case .end:
            requestEndedInThisRead = true
            // Moved out, not copied (a copy retains every field's array).
            guard let (head, fields) = pending.take() else { return .none }
            state = .responding(last: false)
            return .respond(head, fields, keepAlive: framing == .http2Stream || head.isKeepAlive)
        }
    }

    private mutating func refuse(_ refusal: Refusal) -> Action {
        state = .responding(last: true)
        pending = nil
        queue.removeAll()
        return .refuse(refusal)
    }

    private mutating func timedOut(_ timeout: Timeout) -> Action {
        state = .closed
        queue.removeAll()
        return .timedOut(timeout)
    }

    /// Why an HTTP/1.x request head must be refused, if it must (RFC 9112 §3.2, §6.1).
    static func refusal(of head: HTTPRequestHead, fields: RequestFields, limits: ServerLimits) -> Refusal? {
        func refusal(_ status: HTTPResponseStatus, _ reason: String) -> Refusal { Refusal(status: status, reason: reason, head: head) }
        if head.uri.utf8.count > limits.maxRequestTargetBytes {
            return refusal(.uriTooLong, "request target of \(head.uri.utf8.count) bytes (at most \(limits.maxRequestTargetBytes))")
        }
        let hosts = fields.hostCount
        if head.version.major == 1, head.version.minor >= 1, hosts == 0 { return refusal(.badRequest, "HTTP/1.1 request without Host") }
        if hosts > 1 { return refusal(.badRequest, "\(hosts) Host headers") }
        if fields.hasTransferEncoding, fields.hasContentLength {
            return refusal(.badRequest, "Content-Length with Transfer-Encoding")
        }
        return nil
    }
}
