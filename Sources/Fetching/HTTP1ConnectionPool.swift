internal import CrawlModel
internal import Foundation
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOPosix

/// Kept-alive HTTP/1.1 connections per host and port, at most `perHost` open to each, with
/// FIFO waiters when all are busy. A connection goes back to the pool only when its last
/// response ended cleanly (``HTTP1ConnectionHandler`` closes it otherwise).
final class HTTP1ConnectionPool: Sendable {
    struct Key: Hashable, Sendable {
        var host: String
        var port: Int
    }

    final class Connection: Sendable {
        let channel: any Channel
        let handler: HTTP1ConnectionHandler
        let key: Key
        init(channel: any Channel, handler: HTTP1ConnectionHandler, key: Key) {
            self.channel = channel
            self.handler = handler
            self.key = key
        }

        /// Sends one request and waits for its response; cancelling the task closes the connection.
        func execute(_ request: HTTP1Request) async -> Result<HTTP1Response, HTTP1Failure> {
            let loop = channel.eventLoop, handler = self.handler
            return await withTaskCancellationHandler {
                await withUnsafeContinuation { continuation in
                    if loop.inEventLoop { handler.start(request, continuation) } else { loop.execute { handler.start(request, continuation) } }
                }
            } onCancel: {
                loop.execute { handler.cancel() }
            }
        }
    }

    /// What a waiter is given: a kept-alive connection, or a slot to connect in; nil when cancelled.
    enum Grant: Sendable {
        case connection(Connection)
        case connect
    }

    private struct Entry {
        var idle: [Connection] = []
        var open = 0
        var waiters: [(id: UInt64, continuation: UnsafeContinuation<Grant?, Never>)] = []

        /// An idle live connection (one on `loop` first), or a reserved slot to connect in.
        mutating func take(perHost: Int, fresh: Bool, preferring loop: (any EventLoop)?) -> Grant? {
            if !fresh {
                if let loop, let i = idle.lastIndex(where: { $0.channel.eventLoop === loop }) {
                    let connection = idle.remove(at: i)
                    if connection.channel.isActive { return .connection(connection) }
                    open -= 1
                }
                while let connection = idle.popLast() {
                    if connection.channel.isActive { return .connection(connection) }
                    open -= 1
                }
            }
            guard open < perHost else { return nil }
            open += 1
            return .connect
        }

        /// A connection given back: to the first waiter (as itself, or as the right to open a
        /// new one), else kept idle or its slot freed.
        mutating func release(_ connection: Connection, keep: Bool) -> (UnsafeContinuation<Grant?, Never>?, Grant, Bool) {
            if !waiters.isEmpty {
                return (waiters.removeFirst().continuation, keep ? .connection(connection) : .connect, !keep)
            }
            if keep { idle.append(connection) } else { open -= 1 }
            return (nil, .connect, !keep)
        }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    let group: any EventLoopGroup
    let perHost: Int
    let connectTimeout: Duration

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, perHost: Int, connectTimeout: Duration) {
        self.group = group
        self.perHost = max(1, perHost)
        self.connectTimeout = connectTimeout
    }

    /// A connection to `key`: a kept-alive one when there is one, else a new one while under
    /// the per-host limit, else the next one released. `fresh` skips the kept-alive ones.
    func acquire(_ key: Key, fresh: Bool = false) async throws(FetchError) -> (Connection, reused: Bool) {
        let immediate: Grant? = state.withLockedValue { s in Self.take(&s, key, perHost: perHost, fresh: fresh) }
        var grant = immediate
        if grant == nil {
            let id = state.withLockedValue { s in s.nextID += 1; return s.nextID }
            grant = await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Grant?, Never>) in
                    let now: Grant?? = state.withLockedValue { s in
                        if let g = Self.take(&s, key, perHost: perHost, fresh: fresh) { return .some(g) }
                        if Task.isCancelled || s.closed { return .some(nil) }
                        s.entries[key, default: Entry()].waiters.append((id, continuation))
                        return .none
                    }
                    if let now { continuation.resume(returning: now) }
                }
            } onCancel: {
                let waiter = state.withLockedValue { s -> UnsafeContinuation<Grant?, Never>? in
                    guard let i = s.entries[key]?.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.entries[key]?.waiters.remove(at: i).continuation
                }
                waiter?.resume(returning: nil)
            }
        }
        switch grant {
        case .connection(let connection): return (connection, true)
        case .connect: return (try await connect(key), false)
        case nil: throw FetchError(.notFetched, "cancelled before it was sent")
        }
    }

    /// Under the lock: an idle live connection, or a reserved slot to connect in. One lookup of
    /// the host's entry, changed in place: this runs for every request.
    private static func take(_ s: inout State, _ key: Key, perHost: Int, fresh: Bool) -> Grant? {
        // Prefer a connection on the caller's event loop: the request is then written and its
        // answer resumes the task on the same thread, with no wake-up of another one. A caller
        // on no event loop (the cooperative pool) has none to prefer: no scan then.
        let here = fresh ? nil : MultiThreadedEventLoopGroup.currentEventLoop
        return s.entries[key, default: Entry()].take(perHost: perHost, fresh: fresh, preferring: here)
    }

    /// Gives a connection back after a request: kept when `reusable`, closed otherwise.
    func release(_ connection: Connection, reusable: Bool) {
        let key = connection.key
        let (waiter, grant, close): (UnsafeContinuation<Grant?, Never>?, Grant, Bool) = state.withLockedValue { s in
            let keep = reusable && !s.closed && connection.channel.isActive
            // One lookup of the host's entry (it exists: the connection was taken from it).
            return s.entries[key, default: Entry()].release(connection, keep: keep)
        }
        if close { connection.channel.close(promise: nil) }
        waiter?.resume(returning: grant)
    }

    /// A slot whose connection could not be opened.
    private func releaseSlot(_ key: Key) {
        let waiter = state.withLockedValue { s -> UnsafeContinuation<Grant?, Never>? in
            if s.entries[key]?.waiters.isEmpty == false { return s.entries[key]?.waiters.removeFirst().continuation }
            s.entries[key]?.open -= 1
            return nil
        }
        waiter?.resume(returning: .connect)
    }

    private func connect(_ key: Key) async throws(FetchError) -> Connection {
        let handler = HTTP1ConnectionHandler()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
        do {
            let channel = try await bootstrap.connect(host: key.host, port: key.port).get()
            return Connection(channel: channel, handler: handler, key: key)
        } catch {
            releaseSlot(key)
            throw Self.classifyConnect(error, key: key, timeout: connectTimeout)
        }
    }

    /// Closes every idle connection; connections in use are closed when released.
    func shutdown() async {
        let idle = state.withLockedValue { s -> [Connection] in
            s.closed = true
            let all = s.entries.values.flatMap(\.idle)
            for key in s.entries.keys { s.entries[key]?.idle = [] }
            let waiters = s.entries.values.flatMap(\.waiters)
            for key in s.entries.keys { s.entries[key]?.waiters = [] }
            for w in waiters { w.continuation.resume(returning: nil) }
            return all
        }
        for connection in idle { try? await connection.channel.close() }
    }

    /// DNS failures, refused connections and connect timeouts as the report names them.
    static func classifyConnect(_ error: any Error, key: Key, timeout: Duration) -> FetchError {
        if let e = error as? NIOConnectionError {
            if e.connectionErrors.isEmpty, e.dnsAError != nil || e.dnsAAAAError != nil {
                return FetchError(.dns, "could not resolve host: \(key.host)", cause: e)
            }
            if e.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return FetchError(.refused, "connection refused", cause: e)
            }
            if let first = e.connectionErrors.first { return classifyConnect(first.error, key: key, timeout: timeout) }
        }
        if let e = error as? ChannelError, case .connectTimeout = e {
            return FetchError(.timeout, "no connection to \(key.host):\(key.port) within \(timeout)", cause: e)
        }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED { return FetchError(.refused, "connection refused", cause: e) }
        return HTTPClientFetcher.classify(error)
    }
}
