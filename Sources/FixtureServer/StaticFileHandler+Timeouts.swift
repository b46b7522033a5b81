internal import NIOCore
internal import NIOPosix
#if canImport(Glibc)
internal import Glibc
#endif

/// The request, idle and send timeouts of an HTTP/1.1 connection (``ServerLimits``), checked on
/// one repeating tick per connection against ``ServerLimits/clock``.
extension StaticFileHandler {
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

    func handlerAdded(context ctx: ChannelHandlerContext) {
        fileStates = context.fileStateCache(on: ctx.eventLoop)
        if ctx.channel.isActive { startTick(ctx) }
    }

    func channelActive(context ctx: ChannelHandlerContext) {
        startTick(ctx)
        ctx.fireChannelActive()
    }

    func channelInactive(context ctx: ChannelHandlerContext) {
        stopTick()
        ctx.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTick()
    }

    func channelReadComplete(context ctx: ChannelHandlerContext) {
        // Bytes arrived but no request head was complete: a request is being trickled in.
        if transport != .http2, awaitingRequest, !requestEndedInThisRead, requestStarted == nil {
            requestStarted = context.limits.clock.now()
        }
        requestEndedInThisRead = false
        ctx.fireChannelReadComplete()
    }

    private func startTick(_ ctx: ChannelHandlerContext) {
        guard transport != .http2, tick == nil else { return }
        idleSince = context.limits.clock.now()
        context.limits.clock.checksStarted()
        scheduleTick(ctx)
    }

    private func scheduleTick(_ ctx: ChannelHandlerContext) {
        let limits = context.limits
        let shortest = min(limits.requestTimeout, limits.idleTimeout, limits.sendTimeout)
        let interval = max(Duration.milliseconds(10), min(Duration.seconds(1), shortest / 4))
        tick = ctx.eventLoop.assumeIsolated().scheduleTask(in: interval.timeAmount) {
            guard self.tick != nil else { return }
            if self.checkTimeouts(ctx) { self.scheduleTick(ctx) }
        }
    }

    private func stopTick() {
        guard let tick else { return }
        tick.cancel()
        self.tick = nil
        context.limits.clock.checksStopped()
    }

    /// What is on its way to the client now.
    private func outstanding(_ ctx: ChannelHandlerContext) -> Outstanding {
        var outstanding = Self.kernelState(ctx.channel)
        outstanding.buffered = (try? ctx.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
        return outstanding
    }

    /// The socket's TCP_INFO (Linux): tcpi_bytes_acked (Linux 4.1), tcpi_unacked and
    /// tcpi_notsent_bytes (4.6), read at their offsets in `struct tcp_info`. Glibc's
    /// `tcp_info`, which NIO's `getTCPInfo()` returns, stops before them. On the event loop NIO
    /// answers at once, so the future is already complete. Zero where unknown.
    private static func kernelState(_ channel: any Channel) -> Outstanding {
        var state = Outstanding()
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

    /// Closes the connection when a timeout has passed; false then.
    private func checkTimeouts(_ ctx: ChannelHandlerContext) -> Bool {
        let now = context.limits.clock.nowForCheck()
        if let started = requestStarted, now - started > context.limits.requestTimeout.timeAmount {
            context.logger.notice("refused a request from \(ctx.remoteAddress?.description ?? "?"): not complete after \(context.limits.requestTimeout), closing the connection")
            return close(ctx)
        }
        let outstanding = outstanding(ctx)
        // A response still on its way is not idleness: the idle clock starts once it is seen out.
        if !outstanding.isEmpty || !lastOutstanding.isEmpty { idleSince = now }
        if outstanding.isEmpty || outstanding != lastOutstanding {
            lastOutstanding = outstanding
            lastProgress = now
        }
        if !outstanding.isEmpty, now - lastProgress > context.limits.sendTimeout.timeAmount {
            context.logger.notice("closing a connection from \(ctx.remoteAddress?.description ?? "?"): it has not read the response for \(context.limits.sendTimeout)")
            return close(ctx)
        } else if awaitingRequest, requestStarted == nil, let idle = idleSince, now - idle > context.limits.idleTimeout.timeAmount {
            context.logger.debug("closing an idle connection from \(ctx.remoteAddress?.description ?? "?") after \(context.limits.idleTimeout)")
            return close(ctx)
        }
        return true
    }

    private func close(_ ctx: ChannelHandlerContext) -> Bool {
        stopTick()
        ctx.close(promise: nil)
        return false
    }
}
