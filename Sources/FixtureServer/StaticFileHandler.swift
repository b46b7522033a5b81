internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// Shared, immutable state of one server: the root, the policy, the ETag cache.
struct ServerContext: Sendable {
    let resolver: PathResolver
    let policy: ServerPolicy
    let hashes = ContentHashCache()
    let logger: Logger
}

/// Serves files for one HTTP/1.1 connection: GET and HEAD, conditional requests, 404, 405.
final class StaticFileHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let context: ServerContext
    private var head: HTTPRequestHead?

    init(context: ServerContext) { self.context = context }

    func channelRead(context ctx: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, ctx: ctx)
        }
    }

    /// A response ready to write: status, headers and where the body comes from.
    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: Body = .none
        enum Body {
            case none
            case bytes(ByteBuffer)
            case file(NIOFileHandle, offset: Int, length: Int)
        }
    }

    func respond(to head: HTTPRequestHead, ctx: ChannelHandlerContext) {
        var response = makeResponse(head, allocator: ctx.channel.allocator)
        let keepAlive = head.isKeepAlive
        response.headers.replaceOrAdd(name: "Date", value: HTTPDate.format(Int(Date().timeIntervalSince1970)))
        if !keepAlive { response.headers.replaceOrAdd(name: "Connection", value: "close") }
        self.context.logger.info("\(head.method.rawValue) \(head.uri) \(response.status.code)")

        ctx.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: response.headers))), promise: nil)
        let isHead = head.method == .HEAD
        switch response.body {
        case .bytes(let buffer) where !isHead:
            ctx.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .file(let handle, let offset, let length):
            if isHead || length == 0 {
                try? handle.close()
            } else {
                let region = FileRegion(fileHandle: handle, readerIndex: offset, endIndex: offset + length)
                ctx.write(wrapOutboundOut(.body(.fileRegion(region)))).whenComplete { _ in try? handle.close() }
            }
        default:
            break
        }
        let promise: EventLoopPromise<Void>? = keepAlive ? nil : ctx.eventLoop.makePromise()
        ctx.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        if let promise {
            let channel = ctx.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func makeResponse(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> Response {
        guard head.method == .GET || head.method == .HEAD else {
            var r = errorResponse(.methodNotAllowed, allocator: allocator)
            r.headers.add(name: "Allow", value: "GET, HEAD")
            return r
        }
        let target = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        let relative: String
        switch context.resolver.decode(target) {
        case .badRequest(let why):
            context.logger.notice("refused \(head.uri): \(why)")
            return errorResponse(.badRequest, allocator: allocator)
        case .path(let p):
            relative = p
        }
        var path = relative.hasSuffix("/") ? String(relative.dropLast()) : relative
        var (fsPath, escapes) = context.resolver.fileSystemPath(path)
        if escapes {
            context.logger.notice("refused \(head.uri): symlink out of the root")
            return errorResponse(.forbidden, allocator: allocator)
        }
        var st = stat()
        guard stat(fsPath, &st) == 0 else { return notFound(allocator: allocator) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if !target.hasSuffix("/") {
                var r = Response(status: .movedPermanently, headers: ["Location": target + "/", "Content-Length": "0"])
                r.headers.add(name: "Cache-Control", value: "no-cache")
                return r
            }
            path = path.isEmpty ? "index.html" : path + "/index.html"
            (fsPath, escapes) = context.resolver.fileSystemPath(path)
            if escapes { return errorResponse(.forbidden, allocator: allocator) }
        } else if relative.hasSuffix("/") {
            return notFound(allocator: allocator)
        }
        return fileResponse(head: head, relativePath: path, fsPath: fsPath, allocator: allocator)
            ?? notFound(allocator: allocator)
    }

    func fileResponse(head: HTTPRequestHead, relativePath: String, fsPath: String, allocator: ByteBufferAllocator) -> Response? {
        let fd = open(fsPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, let hash = context.hashes.hash(fd: fd, stat: st) else {
            close(fd)
            return nil
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
        let size = Int(st.st_size)
        let now = Int(Date().timeIntervalSince1970)
        let lastModified = min(st.st_mtim.tv_sec, now)
        let etag = EntityTag(opaque: hash)

        var headers = HTTPHeaders()
        headers.add(name: "ETag", value: etag.description)
        headers.add(name: "Last-Modified", value: HTTPDate.format(lastModified))
        for (name, value) in context.policy.headers(for: relativePath) { headers.add(name: name, value: value) }

        var preconditions = Preconditions()
        preconditions.ifMatch = head.headers["If-Match"]
        preconditions.ifUnmodifiedSince = head.headers["If-Unmodified-Since"]
        preconditions.ifNoneMatch = head.headers["If-None-Match"]
        preconditions.ifModifiedSince = head.headers["If-Modified-Since"]
        switch preconditions.evaluate(method: head.method.rawValue, etag: etag, lastModified: lastModified) {
        case .notModified:
            try? handle.close()
            return Response(status: .notModified, headers: headers)
        case .preconditionFailed:
            try? handle.close()
            var r = errorResponse(.preconditionFailed, allocator: allocator)
            r.headers.add(contentsOf: headers)
            return r
        case .proceed:
            break
        }
        headers.add(name: "Content-Type", value: MIMETypes.type(forPath: relativePath))
        headers.add(name: "Content-Length", value: String(size))
        headers.add(name: "Accept-Ranges", value: "bytes")
        return Response(status: .ok, headers: headers, body: .file(handle, offset: 0, length: size))
    }

    func notFound(allocator: ByteBufferAllocator) -> Response {
        errorResponse(.notFound, allocator: allocator)
    }

    func errorResponse(_ status: HTTPResponseStatus, allocator: ByteBufferAllocator) -> Response {
        let text = "\(status.code) \(status.reasonPhrase)\n"
        let buffer = allocator.buffer(string: text)
        return Response(status: status, headers: [
            "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(buffer.readableBytes), "Cache-Control": "no-store",
        ], body: .bytes(buffer))
    }
}
