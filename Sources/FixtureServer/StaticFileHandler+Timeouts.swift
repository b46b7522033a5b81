internal import Logging
internal import NIOCore
internal import NIOPosix
#if canImport(Glibc)
internal import Glibc
#endif

/// The timer side of the connection's timeouts: one repeating tick per HTTP/1.x connection
/// (rather than a timer scheduled and cancelled per request), which reads what is on its way
/// to the client and lets ``HTTP1ConnectionStateMachine/tick(outstanding:)`` decide.
extension StaticFileHandler {
    func handlerAdded(context ctx: ChannelHandlerContext) {
        lookup.fileStates = context.fileStateCache(on: ctx.eventLoop)
        if ctx.channel.isActive { startTick(ctx) }
    }

    func channelActive(context ctx: ChannelHandlerContext) {
        startTick(ctx)
        ctx.fireChannelActive()
    }

    func channelInactive(context ctx: ChannelHandlerContext) {
        stopTick()
        connection.closed()
        ctx.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTick()
    }

    private func startTick(_ ctx: ChannelHandlerContext) {
        guard transport != .http2, tick == nil else { return }
        connection.activated()
        context.limits.clock.checksStarted()
        scheduleTick(ctx)
    }

    private func scheduleTick(_ ctx: ChannelHandlerContext) {
        tick = ctx.eventLoop.assumeIsolated().scheduleTask(in: connection.tickInterval) {
            guard self.tick != nil else { return }
            let action = self.connection.tick(outstanding: self.outstanding(ctx))
            if action == .none {
                self.scheduleTick(ctx)
            } else {
                self.execute(action, ctx: ctx)
            }
        }
    }

    func stopTick() {
        guard let tick else { return }
        tick.cancel()
        self.tick = nil
        context.limits.clock.checksStopped()
    }

    func logTimeout(_ timeout: HTTP1ConnectionStateMachine.Timeout, ctx: ChannelHandlerContext) {
        let from = ctx.remoteAddress?.description ?? "?"
        let limits = context.limits
        switch timeout {
        case .head:
            context.logger.notice("refused a request from \(from): not complete after \(limits.requestTimeout), closing the connection")
        case .body:
            context.logger.notice("refused a request from \(from): its body not complete after \(limits.bodyTimeout), closing the connection")
        case .send:
            context.logger.notice("closing a connection from \(from): it has not read the response for \(limits.sendTimeout)")
        case .idle:
            context.logger.debug("closing an idle connection from \(from) after \(limits.idleTimeout)")
        }
    }

    /// What is on its way to the client now.
    private func outstanding(_ ctx: ChannelHandlerContext) -> HTTP1ConnectionStateMachine.Outstanding {
        var outstanding = Self.kernelState(ctx.channel)
        outstanding.buffered = (try? ctx.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
        return outstanding
    }

    /// The socket's TCP_INFO (Linux): tcpi_bytes_acked (Linux 4.1), tcpi_unacked and
    /// tcpi_notsent_bytes (4.6), read at their offsets in `struct tcp_info`. Glibc's
    /// `tcp_info`, which NIO's `getTCPInfo()` returns, stops before them. On the event loop NIO
    /// answers at once, so the future is already complete. Zero where unknown.
    private static func kernelState(_ channel: any Channel) -> HTTP1ConnectionStateMachine.Outstanding {
        var state = HTTP1ConnectionStateMachine.Outstanding()
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else { return state }
        typealias TCPInfo = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                             UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        let future: EventLoopFuture<TCPInfo> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(IPPROTO_TCP), name: SocketOptionName(TCP_INFO))
        future.assumeIsolated().whenSuccess { info in
            withUnsafeBytes(of: info) { bytes in
                state.acknowledged = bytes.load(fromByteOffset: 120, as: UInt64.self)
                state.inKernel = bytes.load(fromByteOffset: 24, as: UInt32.self) > 0
                    || bytes.load(fromByteOffset: 144, as: UInt32.self) > 0
            }
        }
        #endif
        return state
    }
}
