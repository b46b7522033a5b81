internal import Foundation
internal import Logging
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOHTTP1

/// Shared, immutable state of one server: the root, the policy, the ETag cache.
struct ServerContext: Sendable {
    let resolver: PathResolver
    let policy: ServerPolicy
    let hashes = ContentHashCache()
    let logger: Logger
    /// Responses served per fault rule (for `times`) and for `changing` ETags.
    let faultCounts = NIOLockedValueBox<[Int: Int]>([:])

    /// The fault that applies to this request, counting it against the rule's `times`.
    func activeFault(for path: String) -> (fault: Fault, serial: Int)? {
        guard let (index, fault) = policy.fault(for: path) else { return nil }
        let serial = faultCounts.withLockedValue { counts -> Int in
            let n = counts[index, default: 0]
            counts[index] = n + 1
            return n
        }
        if let times = fault.times, serial >= times { return nil }
        return (fault, serial)
    }
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
        let target = Self.path(of: head.uri)
        let active: (fault: Fault, serial: Int)?
        if case .path(let relative) = self.context.resolver.decode(target) {
            active = self.context.activeFault(for: relative)
        } else {
            active = nil
        }
        var response = makeResponse(head, target: target, fault: active, allocator: ctx.channel.allocator)
        let keepAlive = head.isKeepAlive && !(active?.fault.altersBody ?? false)
        response.headers.replaceOrAdd(name: "Date", value: HTTPDate.format(Int(Date().timeIntervalSince1970)))
        if !keepAlive { response.headers.replaceOrAdd(name: "Connection", value: "close") }
        self.context.logger.info("\(head.method.rawValue) \(head.uri) \(response.status.code)\(active.map { _ in " (fault)" } ?? "")")

        if let delay = active?.fault.delayMs, delay > 0 {
            let loop = ctx.eventLoop.assumeIsolated()
            loop.scheduleTask(in: .milliseconds(Int64(delay))) {
                self.write(response, for: head, keepAlive: keepAlive, fault: active?.fault, ctx: ctx)
            }
        } else {
            write(response, for: head, keepAlive: keepAlive, fault: active?.fault, ctx: ctx)
        }
    }

    /// The path part of a request target.
    static func path(of uri: String) -> String {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
    }

    func write(_ response: Response, for head: HTTPRequestHead, keepAlive: Bool, fault: Fault?, ctx: ChannelHandlerContext) {
        guard ctx.channel.isActive else { return }
        ctx.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: response.headers))), promise: nil)
        let isHead = head.method == .HEAD
        switch response.body {
        case .bytes(let buffer) where !isHead:
            ctx.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .file(let handle, let offset, let length):
            if isHead || length == 0 {
                try? handle.close()
            } else if let fault, fault.altersBody {
                let bytes = Self.read(handle, offset: offset, length: length)
                try? handle.close()
                FaultyBodyWriter(handler: self, ctx: ctx, bytes: bytes, fault: fault).start()
                return
            } else {
                let region = FileRegion(fileHandle: handle, readerIndex: offset, endIndex: offset + length)
                ctx.write(wrapOutboundOut(.body(.fileRegion(region)))).whenComplete { _ in try? handle.close() }
            }
        default:
            break
        }
        finish(keepAlive: keepAlive, ctx: ctx)
    }

    /// Writes the end of the response; closes the connection after it unless kept alive.
    func finish(keepAlive: Bool, ctx: ChannelHandlerContext) {
        let promise: EventLoopPromise<Void>? = keepAlive ? nil : ctx.eventLoop.makePromise()
        ctx.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        if let promise {
            let channel = ctx.channel
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    static func read(_ handle: NIOFileHandle, offset: Int, length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        let n = (try? handle.withUnsafeFileDescriptor { fd in
            bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
        }) ?? 0
        return Array(bytes.prefix(max(0, n)))
    }

    func makeResponse(_ head: HTTPRequestHead, target: String, fault: (fault: Fault, serial: Int)?, allocator: ByteBufferAllocator) -> Response {
        guard head.method == .GET || head.method == .HEAD else {
            var r = errorResponse(.methodNotAllowed, allocator: allocator)
            r.headers.add(name: "Allow", value: "GET, HEAD")
            return r
        }
        if let fault, let status = fault.fault.status {
            return faultStatusResponse(fault.fault, status: status, allocator: allocator)
        }
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
        return fileResponse(head: head, relativePath: path, fsPath: fsPath, fault: fault, allocator: allocator)
            ?? notFound(allocator: allocator)
    }

    func fileResponse(head: HTTPRequestHead, relativePath: String, fsPath: String, fault active: (fault: Fault, serial: Int)?,
                      allocator: ByteBufferAllocator) -> Response? {
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
        let fault = active?.fault

        // Validators: a strong ETag from the content and Last-Modified from mtime (never in
        // the future), unless a fault says otherwise.
        var etag: EntityTag? = EntityTag(opaque: hash)
        var lastModified: Int? = min(st.st_mtim.tv_sec, now)
        switch fault?.validators {
        case .none?: etag = nil; lastModified = nil
        case .weak?: etag = EntityTag(opaque: hash, weak: true); lastModified = nil
        case .changing?: etag = EntityTag(opaque: "\(hash)-\(active?.serial ?? 0)")
        case .lastModifiedOnly?: etag = nil
        case .etagOnly?: lastModified = nil
        case nil: break
        }

        var headers = HTTPHeaders()
        if let etag { headers.add(name: "ETag", value: etag.description) }
        if let lastModified { headers.add(name: "Last-Modified", value: HTTPDate.format(lastModified)) }
        for (name, value) in context.policy.headers(for: relativePath) { headers.add(name: name, value: value) }

        var preconditions = Preconditions()
        if fault?.ignoreConditionals != true {
            preconditions.ifMatch = head.headers["If-Match"]
            preconditions.ifUnmodifiedSince = head.headers["If-Unmodified-Since"]
            preconditions.ifNoneMatch = head.headers["If-None-Match"]
            preconditions.ifModifiedSince = head.headers["If-Modified-Since"]
        }
        switch preconditions.evaluate(method: head.method.rawValue, etag: etag, lastModified: lastModified) {
        case .notModified:
            try? handle.close()
            if fault?.drop304Headers == true {
                for name in ["ETag", "Cache-Control", "Expires", "Vary", "Content-Location"] { headers.remove(name: name) }
            }
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
        headers.add(name: "Content-Length", value: String(max(0, size + (fault?.contentLengthDelta ?? 0))))
        headers.add(name: "Accept-Ranges", value: "bytes")
        if let encoding = fault?.contentEncoding { headers.add(name: "Content-Encoding", value: encoding) }
        return Response(status: .ok, headers: headers, body: .file(handle, offset: 0, length: size))
    }

    /// A fixed status from a fault: a redirect when it has a location, else a short body.
    func faultStatusResponse(_ fault: Fault, status code: Int, allocator: ByteBufferAllocator) -> Response {
        let status = HTTPResponseStatus(statusCode: code)
        if let location = fault.location {
            return Response(status: status, headers: ["Location": location, "Content-Length": "0", "Cache-Control": "no-store"])
        }
        if code == 204 || code == 304 || (100..<200).contains(code) {
            return Response(status: status, headers: [:])
        }
        var r = errorResponse(status, allocator: allocator)
        if let retryAfter = fault.retryAfter { r.headers.add(name: "Retry-After", value: String(retryAfter)) }
        return r
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
