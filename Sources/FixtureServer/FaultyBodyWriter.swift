internal import Foundation
internal import NIOCore
internal import NIOHTTP1

/// Writes a body the way a broken server would: slowly, cut short, or ending in a reset.
/// Runs on the channel's event loop; the connection is always closed at the end, since the
/// framing can no longer be trusted.
struct FaultyBodyWriter {
    let handler: StaticFileHandler
    let ctx: ChannelHandlerContext
    let bytes: [UInt8]
    let fault: Fault

    func start() {
        let limit = min(bytes.count, fault.resetAfter ?? fault.truncateAfter ?? bytes.count)
        let chunk = fault.bytesPerSecond.map { max(1, $0 / 10) } ?? max(1, limit)
        send(from: 0, limit: limit, chunk: chunk)
    }

    private func send(from offset: Int, limit: Int, chunk: Int) {
        guard ctx.channel.isActive else { return }
        if offset >= limit {
            end()
            return
        }
        let next = min(limit, offset + chunk)
        let buffer = ctx.channel.allocator.buffer(bytes: bytes[offset..<next])
        handler.writeBody(.byteBuffer(buffer), flush: true, ctx: ctx)
        if fault.bytesPerSecond != nil {
            ctx.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(100)) {
                self.send(from: next, limit: limit, chunk: chunk)
            }
        } else {
            send(from: next, limit: limit, chunk: chunk)
        }
    }

    private func end() {
        let channel = ctx.channel
        if fault.resetAfter != nil {
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            if let provider = channel as? any SocketOptionProvider {
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
            } else {
                channel.close(promise: nil)
            }
        } else if fault.truncateAfter != nil {
            channel.close(promise: nil)
        } else {
            handler.finish(keepAlive: false, ctx: ctx)
        }
    }
}
