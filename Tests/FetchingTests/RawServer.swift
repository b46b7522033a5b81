import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that answers each request head with scripted bytes — what the
/// embedded server never sends (malformed heads, chunked framing, keep-alive closed without a
/// word) — and counts the connections it accepted and how many were open at once.
final class RawServer: Sendable {
    /// What one answer does.
    struct Answer: Sendable {
        var bytes: String
        /// Close the connection after sending (without saying so in the response).
        var close = false
        var delay: TimeAmount = .zero
    }

    struct Counts: Sendable {
        var accepted = 0
        var open = 0
        var peakOpen = 0
        var requests: [String] = []
    }

    let counts = NIOLockedValueBox(Counts())
    let answer: @Sendable (_ request: Int) -> Answer
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    /// - Parameter answer: the answer to the n-th request (0-based, across connections).
    init(answer: @escaping @Sendable (Int) -> Answer) { self.answer = answer }

    var port: Int { channel.withLockedValue { $0?.localAddress?.port ?? 0 } }

    /// - Parameter group: where the server runs; a test whose healthy answers must arrive within
    ///   a timeout gives it threads of its own, so the rest of a parallel suite cannot delay them.
    static func with<T>(_ answer: @escaping @Sendable (Int) -> Answer, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                        _ body: (RawServer) async throws -> T) async throws -> T {
        let server = RawServer(answer: answer)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Handler(server: server)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.channel.withLockedValue { $0 = channel }
        do {
            let result = try await body(server)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: RawServer
        var received: [UInt8] = []
        init(server: RawServer) { self.server = server }

        func channelActive(context: ChannelHandlerContext) {
            server.counts.withLockedValue { c in
                c.accepted += 1
                c.open += 1
                c.peakOpen = max(c.peakOpen, c.open)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.counts.withLockedValue { $0.open -= 1 }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += unwrapInboundIn(data).readableBytesView
            while let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                received.removeSubrange(..<end.upperBound)
                let index = server.counts.withLockedValue { c in c.requests.append(head); return c.requests.count - 1 }
                let answer = server.answer(index)
                let channel = context.channel
                let send = {
                    channel.writeAndFlush(ByteBuffer(string: answer.bytes)).whenComplete { _ in
                        if answer.close { channel.close(promise: nil) }
                    }
                }
                if answer.delay == .zero { send() } else { context.eventLoop.scheduleTask(in: answer.delay) { send() } }
            }
        }
    }
}
