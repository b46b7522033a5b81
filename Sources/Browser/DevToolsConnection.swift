internal import Foundation
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOWebSocket

/// A DevTools protocol client over Chromium's WebSocket (NIO's WebSocket codec): commands
/// with ids answered by results, and events, per flat session, as async streams.
final class DevToolsConnection: Sendable {
    /// A protocol event (`Network.requestWillBeSent`, …) and its parameters.
    struct Event: Sendable {
        var method: String
        var params: DevToolsJSON
    }

    private let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Opens the WebSocket to `url` (`ws://127.0.0.1:PORT/devtools/browser/…`).
    static func connect(to url: URL) async throws -> DevToolsConnection {
        guard let host = url.host, let port = url.port else { throw BrowserError(.connection, "not a DevTools address: \(url)") }
        let inbox = Inbox()
        let path = url.path.isEmpty ? "/" : url.path
        do {
            let upgraded: EventLoopFuture<(any Channel)?> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let upgrader = NIOTypedWebSocketClientUpgrader<(any Channel)?>(maxFrameSize: 1 << 26) { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16, maxAccumulatedFrameSize: 1 << 26))
                                try channel.pipeline.syncOperations.addHandler(FrameHandler(inbox: inbox))
                                return channel
                            }
                        }
                        var headers = HTTPHeaders()
                        headers.add(name: "Host", value: "\(host):\(port)")
                        headers.add(name: "Content-Length", value: "0")
                        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                        let configuration = NIOTypedHTTPClientUpgradeConfiguration<(any Channel)?>(
                            upgradeRequestHead: head, upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(nil) })
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                            configuration: .init(upgradeConfiguration: configuration))
                    }
                }
            guard let channel = try await upgraded.get() else {
                throw BrowserError(.connection, "Chromium refused the DevTools WebSocket at \(url)")
            }
            return DevToolsConnection(channel: channel, inbox: inbox)
        } catch let error as BrowserError {
            throw error
        } catch {
            throw BrowserError(.connection, "cannot open the DevTools WebSocket at \(url): \(error)")
        }
    }

    /// Sends a command and waits for its result; a protocol error or no answer within `timeout` throws.
    @discardableResult
    func send(_ method: String, _ params: DevToolsJSON = [:], session: String? = nil,
              timeout: Duration = .seconds(30)) async throws -> DevToolsJSON {
        let id = inbox.nextID()
        var message: [String: DevToolsJSON] = ["id": .number(Double(id)), "method": .string(method), "params": params]
        if let session { message["sessionId"] = .string(session) }
        let data = try JSONEncoder().encode(DevToolsJSON.object(message))
        let channel = self.channel
        let inbox = self.inbox
        return try await withCheckedThrowingContinuation { continuation in
            guard inbox.register(id, continuation) else { return }
            let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                inbox.resolve(id, .failure(BrowserError(.timeout, "\(method): no answer from Chromium after \(timeout)")))
            }
            inbox.setTimer(id, timer)
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(bytes: data))
            channel.writeAndFlush(frame).whenFailure { error in
                inbox.resolve(id, .failure(BrowserError(.connection, "\(method): cannot write to the DevTools WebSocket: \(error)")))
            }
        }
    }

    /// The events of one flat session (`""` for the browser's own), from now until ``stopEvents(session:)``.
    func events(session: String) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        inbox.listen(session, continuation)
        return stream
    }

    func stopEvents(session: String) { inbox.stopListening(session) }

    /// The listener key for a session's `Fetch.*` events: request interception must go on
    /// while the session's own listener waits for a command (Page.navigate waits for the
    /// document, whose request is paused until it is let through).
    static func interception(_ session: String) -> String { session + " Fetch" }

    /// Puts an event of our own into a session's stream (a load's time limit).
    func inject(_ event: Event, session: String) { inbox.deliver(event, to: session) }

    /// Closes the WebSocket; pending commands fail.
    func close() async {
        try? await channel.close()
        inbox.failAll(BrowserError(.connection, "the DevTools connection was closed"))
    }
}

extension DevToolsConnection {
    /// Pending commands and event listeners, shared by the senders and the channel's handler.
    final class Inbox: Sendable {
        private struct State {
            var lastID = 0
            var pending: [Int: (continuation: CheckedContinuation<DevToolsJSON, any Error>, timer: Scheduled<Void>?)] = [:]
            var listeners: [String: AsyncStream<Event>.Continuation] = [:]
            var closed: BrowserError?
        }
        private let state = NIOLockedValueBox(State())

        func nextID() -> Int { state.withLockedValue { $0.lastID += 1; return $0.lastID } }

        /// False (and the continuation resumed with the error) when the connection is closed already.
        func register(_ id: Int, _ continuation: CheckedContinuation<DevToolsJSON, any Error>) -> Bool {
            let closed = state.withLockedValue { s -> BrowserError? in
                if s.closed == nil { s.pending[id] = (continuation, nil) }
                return s.closed
            }
            if let closed { continuation.resume(throwing: closed) }
            return closed == nil
        }

        func setTimer(_ id: Int, _ timer: Scheduled<Void>) {
            let orphan = state.withLockedValue { s -> Bool in
                guard s.pending[id] != nil else { return true }
                s.pending[id]?.timer = timer
                return false
            }
            if orphan { timer.cancel() }
        }

        func resolve(_ id: Int, _ result: Result<DevToolsJSON, any Error>) {
            guard let entry = state.withLockedValue({ $0.pending.removeValue(forKey: id) }) else { return }
            entry.timer?.cancel()
            entry.continuation.resume(with: result)
        }

        func listen(_ session: String, _ continuation: AsyncStream<Event>.Continuation) {
            let closed = state.withLockedValue { s -> Bool in
                if s.closed == nil { s.listeners[session] = continuation }
                return s.closed != nil
            }
            if closed { continuation.finish() }
        }

        func stopListening(_ session: String) {
            state.withLockedValue { $0.listeners.removeValue(forKey: session) }?.finish()
        }

        func failAll(_ error: BrowserError) {
            let (pending, listeners) = state.withLockedValue { s in
                if s.closed == nil { s.closed = error }
                defer { s.pending.removeAll(); s.listeners.removeAll() }
                return (Array(s.pending.values), Array(s.listeners.values))
            }
            for entry in pending {
                entry.timer?.cancel()
                entry.continuation.resume(throwing: error)
            }
            for listener in listeners { listener.finish() }
        }

        /// One message from Chromium: a command's answer, or an event for a session's listener.
        func receive(_ bytes: ByteBuffer) {
            guard let message = try? JSONDecoder().decode(DevToolsJSON.self, from: Data(bytes.readableBytesView)) else { return }
            if let id = message["id"]?.int {
                if let error = message["error"] {
                    let text = error["message"]?.string ?? "unknown error"
                    let data = error["data"]?.string.map { " (\($0))" } ?? ""
                    resolve(id, .failure(BrowserError(.command, text + data)))
                } else {
                    resolve(id, .success(message["result"] ?? [:]))
                }
            } else if let method = message["method"]?.string {
                let session = message["sessionId"]?.string ?? ""
                deliver(Event(method: method, params: message["params"] ?? [:]), to: session)
            }
        }

        /// To the session's listener; `Fetch.*` events to its interception listener when there is one.
        func deliver(_ event: Event, to session: String) {
            state.withLockedValue { s in
                (event.method.hasPrefix("Fetch.") ? s.listeners[DevToolsConnection.interception(session)] : nil) ?? s.listeners[session]
            }?.yield(event)
        }
    }

    /// Text frames to the inbox; pings answered; a close or an error ends everything pending.
    final class FrameHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = WebSocketFrame
        typealias OutboundOut = WebSocketFrame
        let inbox: Inbox

        init(inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            switch frame.opcode {
            case .text, .binary:
                inbox.receive(frame.unmaskedData)
            case .ping:
                let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
                context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            case .connectionClose:
                inbox.failAll(BrowserError(.connection, "Chromium closed the DevTools connection"))
                context.close(promise: nil)
            default:
                break
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            inbox.failAll(BrowserError(.connection, "the DevTools connection closed"))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            inbox.failAll(BrowserError(.connection, "DevTools connection error: \(error)"))
            context.close(promise: nil)
        }
    }
}
