internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

// Writing responses: HTTP/2 streams take response parts for their codec; HTTP/1.x connections
// take bytes, the head serialised here. Date (and Connection: close) are added here, for every response.
extension StaticFileHandler {
    /// Writes a response; `file` is its body's open file, if it is read from one (closed when
    /// the last response or cached representation holding it lets go, see ``OpenFile``).
    func write(_ response: Response, handle file: OpenFile?, for head: HTTPRequestHead, keepAlive: Bool, fault: Fault?, ctx: ChannelHandlerContext) {
        guard ctx.channel.isActive else { return }
        let handle = file?.handle
        let isHead = head.method == .HEAD
        let (keepAlive, headBytes) = writeHead(response, version: head.version, keepAlive: keepAlive, bodiless: isHead || response.bodyLength(isHead: false) == 0, ctx: ctx)
        context.onResponse?(ServedResponse(method: head.method.rawValue, target: head.uri, status: Int(response.status.code),
                                           headers: head.headers.map { ($0.name, $0.value) },
                                           bytes: headBytes + response.bodyLength(isHead: isHead)))
        var corked = false
        switch response.body {
        case .bytes(let buffer) where !isHead:
            writeBody(.byteBuffer(buffer), ctx: ctx)
        case .pieces(let pieces, _):
            let length = pieces.reduce(0) { $0 + $1.length }
            if isHead || length == 0 {
                break
            } else if let fault, fault.altersBody {
                var bytes: [UInt8] = []
                for piece in pieces {
                    switch piece {
                    case .bytes(let buffer): bytes += buffer.readableBytesView
                    case .file(let offset, let count): if let handle { bytes += Self.read(handle, offset: offset, length: count) }
                    }
                }
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
                // The file stays open until its last byte is written.
                last?.whenComplete { _ in withExtendedLifetime(file) {} }
            } else if let file {
                stream(pieces[...], from: file, keepAlive: keepAlive, ctx: ctx)
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
    private func stream(_ pieces: ArraySlice<BodyPiece>, from file: OpenFile, keepAlive: Bool, ctx: ChannelHandlerContext) {
        guard let piece = pieces.first else {
            finish(keepAlive: keepAlive, ctx: ctx)
            return
        }
        let rest = pieces.dropFirst()
        switch piece {
        case .bytes(let buffer):
            writeBody(.byteBuffer(buffer), ctx: ctx)
            stream(rest, from: file, keepAlive: keepAlive, ctx: ctx)
        case .file(let offset, let count):
            let bound = NIOLoopBound((self, ctx), eventLoop: ctx.eventLoop)
            context.fileIO.readChunked(
                fileHandle: file.handle, fromOffset: Int64(offset), byteCount: count, chunkSize: 64 * 1024,
                allocator: ctx.channel.allocator, eventLoop: ctx.eventLoop
            ) { chunk in
                let (handler, ctx) = bound.value
                return handler.writeBody(.byteBuffer(chunk), flush: true, ctx: ctx)
            }.assumeIsolated().whenComplete { result in
                let (handler, ctx) = bound.value
                switch result {
                case .success:
                    handler.stream(rest, from: file, keepAlive: keepAlive, ctx: ctx)
                case .failure(let error):
                    handler.context.logger.debug("body not sent: \(error)")
                    ctx.close(promise: nil)
                }
            }
        }
    }

    /// Writes the end of the response; closes the connection after it when the state machine
    /// says it was the last, else goes on with queued requests.
    func finish(keepAlive: Bool, ctx: ChannelHandlerContext) {
        let close = connection.responseEnded(keepAlive: keepAlive) == .closeAfterResponse
        let promise: EventLoopPromise<Void>? = close ? ctx.eventLoop.makePromise() : nil
        writeEnd(promise: promise, ctx: ctx)
        if let promise {
            let channel = ctx.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        } else {
            drainQueue(ctx)
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
